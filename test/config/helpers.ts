import { strict as assert } from 'node:assert';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as t from 'io-ts';
import type { AdapterRegistry } from '../../src/config';
import type { AdapterFactoryV1, AnyAdapterFactory } from '../../src/kit';
import { ConfigError, parseConfig, type FlagsyncConfig } from '../../src/config';

/** Small real adapters for the loader's tests: their options codecs are io-ts codecs like the real adapters'. */
const isHttpUrl = (u: unknown): u is string => {
  if (typeof u !== 'string') return false;
  try {
    return ['http:', 'https:'].includes(new URL(u).protocol);
  } catch {
    return false;
  }
};
const Url = new t.Type<string, string, unknown>('a URL', isHttpUrl, (u, c) => (isHttpUrl(u) ? t.success(u) : t.failure(u, c)), t.identity);

// Words its problems differently from the core on purpose, as real adapters may.
const EnvType = t.keyof(
  { production: null, staging: null, testing: null, development: null },
  'production | staging | testing | development',
);

const FileOptions = t.type({
  name: t.string,
  environments: t.array(t.intersection([t.type({ name: t.string, source: t.string }), t.partial({ type: EnvType })])),
});

const HttpOptions = t.intersection([t.type({ name: t.string, url: Url, adminToken: t.string }), t.partial({ project: t.string })]);

/** Contract version 1 factories: their codecs decode the whole entry, as v1 adapters still may. */
function factory<O>(name: string, optionsCodec: t.Type<O, unknown, unknown>): AdapterFactoryV1 {
  return {
    name,
    version: '0.0.0-test',
    contractVersion: 1,
    optionsCodec: optionsCodec as t.Type<unknown, unknown, unknown>,
    create: () => ({ environments: [], snapshot: () => Promise.resolve({ flags: [] }) }),
  };
}

export function registryOf(...factories: AnyAdapterFactory[]): AdapterRegistry {
  const byName = new Map(factories.map((f) => [f.name, f]));
  return { get: (name) => byName.get(name), names: () => [...byName.keys()] };
}

/** flagd: every environment needs a `source`; unleash: `url` (a URL) and `adminToken`. */
export const testRegistry = registryOf(factory('flagd', FileOptions), factory('unleash', HttpOptions));

/** Accepts any options: for files whose adapter keys belong to adapters not under test here. */
export const permissiveRegistry = registryOf(...['flagd', 'unleash', 'launchdarkly'].map((name) => factory(name, t.UnknownRecord)));

export const SECRET = 'sup3r-s3cret-Value-9f81';

export const baseEnv = { JIRA_CLIENT_ID: 'client-id-1234', JIRA_CLIENT_SECRET: SECRET };

/** A valid config; tests append or replace lines to break exactly one thing. */
export const VALID = `jira:
  cloudId: 11111111-2222-3333-4444-555555555555
  clientId: \${env:JIRA_CLIENT_ID}
  clientSecret: \${env:JIRA_CLIENT_SECRET}
providers:
  - name: demo
    adapter: flagd
    environments:
      - name: production
        type: production
        source: ./production.flagd.json
`;

export function parse(text: string, env: NodeJS.ProcessEnv = baseEnv, file = '/srv/flagsync/flagsync.yaml'): Promise<FlagsyncConfig> {
  return parseConfig(text, { path: file, registry: testRegistry, env });
}

/** The problem lines of a config that must fail; also checks that no secret leaked into them. */
export async function problemsOf(
  text: string,
  env: NodeJS.ProcessEnv = baseEnv,
  secrets: readonly string[] = [SECRET],
): Promise<readonly string[]> {
  try {
    await parse(text, env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    for (const secret of secrets) {
      for (const line of error.problems) assert.ok(!line.includes(secret), `secret leaked in: ${line}`);
      assert.ok(!error.message.includes(secret), 'secret leaked in the message');
    }
    return error.problems;
  }
  assert.fail('expected the config to be rejected');
}

export async function withTempDir<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'flagsync-config-'));
  try {
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function writeFileIn(dir: string, relative: string, text: string): Promise<string> {
  const file = path.join(dir, relative);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
  return file;
}
