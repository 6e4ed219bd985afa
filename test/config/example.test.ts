import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { adapter as flagdAdapter } from '../../adapters/flagd';
import { adapter as launchdarklyAdapter } from '../../adapters/launchdarkly';
import { adapter as unleashAdapter } from '../../adapters/unleash';
import type { AnyAdapterFactory } from '../../src/kit';
import { ConfigError, loadConfig } from '../../src/config';
import { permissiveRegistry, registryOf, withTempDir, writeFileIn } from './helpers';

const EXAMPLE = readFileSync(path.resolve(__dirname, '../../config/example.yaml'), 'utf8');
const ENV = {
  JIRA_CLIENT_ID: 'id-1',
  JIRA_CLIENT_SECRET: 'jira-secret-1',
  UNLEASH_ADMIN_TOKEN: 'unleash-token-1',
  LD_API_TOKEN: 'ld-api-token-1',
};
// AdapterFactory<Options> is invariant in Options (codec in, options out), so a registry widens it explicitly.
const widen = <O>(factory: AnyAdapterFactory<O>) => factory as unknown as AnyAdapterFactory;
const realAdapters = registryOf(widen(flagdAdapter), widen(unleashAdapter), widen(launchdarklyAdapter));

/** Writes `text` as flagsync.yaml beside the secret file the example references, then loads it. */
function loadExample(text: string, registry = permissiveRegistry) {
  return withTempDir(async (dir) => {
    await writeFileIn(dir, 'secrets/ld-production-sdk-key', 'sdk-0000-example\n');
    return loadConfig(await writeFileIn(dir, 'flagsync.yaml', text), registry, ENV);
  });
}

describe('config/example.yaml', () => {
  it('loads with its secrets set', async () => {
    const config = await loadExample(EXAMPLE);
    assert.deepEqual(
      config.providers.map((p) => [p.name, p.adapter]),
      [
        ['demo', 'flagd'],
        ['unleash-main', 'unleash'],
        ['launchdarkly', 'launchdarkly'],
      ],
    );
  });

  it("is accepted by the real adapters' option codecs", async () => {
    const config = await loadExample(EXAMPLE, realAdapters);
    assert.deepEqual(
      config.providers.map((p) => p.factory.name),
      ['flagd', 'unleash', 'launchdarkly'],
    );
  });

  it("reports misspelt adapter keys with the real adapters' codecs", async () => {
    const text = EXAMPLE.replace('    project: default', '    projekt: default');
    await assert.rejects(loadExample(text, realAdapters), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.deepEqual(error.problems, ['providers[1].projekt: unknown key (did you mean "project"?)']);
      return true;
    });
  });
});
