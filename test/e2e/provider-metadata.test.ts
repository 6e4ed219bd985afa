/**
 * providerMetadata.product: an adapter that knows its source product and version names it on its provider's
 * requests; every other request names flagsync and its version.
 */
import { strict as assert } from 'node:assert';
import { readFile, rm } from 'node:fs/promises';
import * as path from 'node:path';
import * as t from 'io-ts';
import type { AdapterRegistry } from '../../src/config';
import { ADAPTER_CONTRACT_VERSION, type AdapterFactory } from '../../src/kit/contract';
import { builtInRegistry } from '../../src/adapter-host/registry';
import { syncOnce } from '../../src/cli/commands/sync';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/log';
import { startSimulator, type Simulator } from '../../src/simulator';
import { tempDir, writeEnvironments } from '../helpers/flagd-fixtures';
import { flagdProvider, writeSyncConfig } from '../helpers/sync-config';

/** A source that knows what it is: one flag linked to PROJ-7. */
const acmeFlags: AdapterFactory = {
  name: 'acme',
  version: '1.0.0',
  contractVersion: ADAPTER_CONTRACT_VERSION,
  optionsCodec: t.type({ name: t.string, environments: t.unknown }) as t.Type<unknown, unknown, unknown>,
  create: (_options, context) => ({
    environments: ['production'],
    product: 'Acme Flags 3.2.1',
    snapshot: () =>
      Promise.resolve({
        flags: [
          {
            provider: context.providerName,
            key: 'PROJ-7-banner',
            tags: [],
            issueKeys: [],
            url: 'https://flags.acme.example/banner',
            environments: [{ name: 'production', enabled: true }],
          },
        ],
      }),
  }),
};

const registry = (): AdapterRegistry => {
  const builtIn = builtInRegistry();
  return { names: () => [...builtIn.names(), 'acme'], get: (name) => (name === 'acme' ? acmeFlags : builtIn.get(name)) };
};

describe('providerMetadata.product on bulk requests', function () {
  this.timeout(30_000);
  let sim: Simulator;
  let dir: string;

  beforeEach(async () => {
    sim = await startSimulator({});
    dir = await tempDir();
  });
  afterEach(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('names the source product an adapter reports, else flagsync and its version', async () => {
    await writeEnvironments(dir, [{ key: 'PROJ-1-flag', percent: 5 }]);
    const providers = [flagdProvider('files', dir), { name: 'acme-main', adapter: 'acme', environments: [{ name: 'production' }] }];
    const configFile = await writeSyncConfig(dir, sim, providers);
    const report = await syncOnce(await loadConfig(configFile, registry()), silentLogger, { dryRun: false, allowMassDelete: false });
    assert.equal(report.ok, true);
    const { version } = JSON.parse(await readFile(path.join(__dirname, '../../package.json'), 'utf8')) as { version: string };
    const productOf = (flagId: string) =>
      sim.requests
        .filter((r) => r.path.endsWith('/bulk'))
        .map((r) => r.body as { flags: { id: string }[]; providerMetadata?: { product?: string } })
        .find((b) => b.flags.some((f) => f.id === flagId))?.providerMetadata?.product;
    assert.equal(productOf('acme-main:PROJ-7-banner'), 'Acme Flags 3.2.1');
    assert.equal(productOf('files:PROJ-1-flag'), `flagsync ${version}`);
  });
});
