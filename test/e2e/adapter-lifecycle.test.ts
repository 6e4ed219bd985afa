import { strict as assert } from 'node:assert';
import { rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { silentLogger } from '../../src/log';
import { closeProviders } from '../../src/cli/wiring';
import { DEFAULT_LINKING } from '../../src/model/issue-keys';
import type { ProviderRuntime } from '../../src/reconcile/provider';
import { startSimulator, type Simulator } from '../../src/simulator';
import { runCli, runOnceJson } from '../helpers/cli';
import { linkedFlags, tempDir, writeEnvironments } from '../helpers/flagd-fixtures';
import { flagdProvider, writeSyncConfig } from '../helpers/sync-config';

/** An external JavaScript adapter (contract version 2) whose `create` body is given. */
const externalAdapter = (create: string) => `
const identity = { decode: (u) => ({ _tag: 'Right', right: u }) };
exports.adapter = { name: 'custom', version: '1.0.0', contractVersion: 2, produces: 'flags', optionsCodec: identity,
  create: () => { ${create} } };
`;

interface Summary {
  readonly providers: ReadonlyArray<{ name: string; ok: boolean; error: string | null; created: number }>;
}

describe("an external adapter's create and close cannot take the other providers or the run with them", function () {
  this.timeout(60_000);
  let sim: Simulator;
  let dir: string;

  beforeEach(async () => {
    sim = await startSimulator({});
    dir = await tempDir();
    await writeEnvironments(dir, linkedFlags(10));
  });
  afterEach(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  const withCustom = async (source: string) => {
    await writeFile(path.join(dir, 'custom.js'), source);
    return writeSyncConfig(dir, sim, [
      flagdProvider('files', dir),
      { name: 'custom', adapter: './custom.js', environments: [{ name: 'production', type: 'production' }] },
    ]);
  };

  it('a create that throws fails that provider by name; the others sync', async () => {
    const config = await withCustom(externalAdapter(`throw new Error('cannot read the vault token');`));
    const { code, summary } = await runOnceJson<Summary>(config);
    assert.equal(code, 1);
    const [files, custom] = summary.providers;
    assert.deepEqual([files?.name, files?.ok, files?.created], ['files', true, 10]);
    assert.deepEqual([custom?.name, custom?.ok], ['custom', false]);
    assert.match(custom?.error ?? '', /the adapter could not be set up: cannot read the vault token/);
    assert.equal(sim.stored('featureflags').length, 10);
  });

  it('a create that returns nothing is named as such, not a TypeError', async () => {
    const config = await withCustom(externalAdapter('return undefined;'));
    const { code, summary } = await runOnceJson<Summary>(config);
    assert.equal(code, 1);
    assert.match(summary.providers[1]?.error ?? '', /create\(\) returned undefined, not a source/);
    assert.equal(sim.stored('featureflags').length, 10);
  });

  it('a product getter that throws costs its name on the requests, not the run; one that is no string is not sent', async () => {
    const config = await withCustom(
      externalAdapter(`return { environments: ['production'], snapshot: async () => ({ flags: [{ provider: 'custom', key: 'PROJ-7-x',
        name: 'x', tags: [], issueKeys: [], url: 'https://flags.example/x', lastUpdated: '2026-01-01T00:00:00Z',
        environments: [{ name: 'production', enabled: true, url: 'https://flags.example/x' }] }] }),
        get product() { throw new Error('product boom'); } };`),
    );
    const { code, summary } = await runOnceJson<Summary>(config);
    assert.equal(code, 0, JSON.stringify(summary));
    assert.deepEqual(
      summary.providers.map((p) => [p.name, p.ok, p.created]),
      [
        ['files', true, 10],
        ['custom', true, 1],
      ],
    );
    const products = sim.requests
      .filter((r) => r.path.endsWith('/bulk'))
      .map((r) => (r.body as { providerMetadata?: { product?: string } }).providerMetadata?.product);
    assert.ok(
      products.every((p) => typeof p === 'string' && p.length > 0),
      JSON.stringify(products),
    );
  });

  it('a close that never settles does not keep the run (or its writer lock) forever', async () => {
    const config = await withCustom(
      externalAdapter(
        `return { environments: ['production'], snapshot: async () => ({ flags: [] }), close: () => new Promise(() => {}) };`,
      ),
    );
    const started = Date.now();
    const run = await runCli(['run', '--once', '--config', config]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /adapter close did not finish within 10000 ms; going on/);
    assert.ok(Date.now() - started < 30_000);
    assert.equal(sim.stored('featureflags').length, 10);
  });
});

describe('closeProviders', () => {
  const provider = (name: string, close: () => Promise<void>): ProviderRuntime => ({
    name,
    source: { produces: 'flags', source: { environments: [], snapshot: async () => ({ flags: [] }), close } },
    timeoutMs: 1000,
    linking: DEFAULT_LINKING,
    environmentTypes: new Map(),
  });

  it('gives each close a time limit and closes the others meanwhile', async () => {
    let closed = false;
    const started = Date.now();
    await closeProviders(
      [
        provider('hangs', () => new Promise(() => undefined)),
        provider('closes', async () => {
          closed = true;
        }),
      ],
      silentLogger,
      100,
    );
    assert.equal(closed, true);
    assert.ok(Date.now() - started < 2000, `${Date.now() - started} ms`);
  });
});
