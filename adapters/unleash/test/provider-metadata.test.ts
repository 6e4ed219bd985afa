import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { builtInRegistry } from '../../../src/adapter-host/registry';
import { syncOnce } from '../../../src/cli/commands/sync';
import { loadConfig } from '../../../src/config';
import type { FixtureAnswer, FixtureServer } from '../../../src/kit/testing';
import { silentLogger } from '../../../src/log';
import { startSimulator, type Simulator } from '../../../src/simulator';
import { ofProvider, providerMetadataSent } from '../../../test/helpers/provider-metadata';
import { writeSyncConfig } from '../../../test/helpers/sync-config';
import { ensureServices, startUnleash, type UnleashServer } from './harness';
import { UnleashSeeder } from './seed';
import { STAND_IN_ADMIN_TOKEN, standInData, startUnleashStandIn } from './stand-in-api';

/**
 * providerMetadata.product of the Unleash adapter: "Unleash <version>" in Admin API mode, where the server tells its
 * version (`GET /api/admin/ui-config`); "Unleash" with client tokens, which may not read it, and whenever the lookup
 * fails, without failing the run. Read back from the simulator over HTTP.
 */
describe('Unleash: providerMetadata.product', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let dir: string;

  beforeEach(async () => {
    sim = await startSimulator({});
    dir = await mkdtemp(path.join(os.tmpdir(), 'unleash-product-'));
  });
  afterEach(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function sync(provider: Record<string, unknown>): Promise<unknown[]> {
    const environments = provider['environments'] ?? [
      { name: 'production', type: 'production' },
      { name: 'development', type: 'development' },
    ];
    const configFile = await writeSyncConfig(dir, sim, [{ name: 'unleash', adapter: 'unleash', ...provider, environments }]);
    const report = await syncOnce(await loadConfig(configFile, builtInRegistry()), silentLogger, { dryRun: false, allowMassDelete: false });
    assert.equal(report.ok, true, JSON.stringify(report.results));
    return providerMetadataSent(sim, ofProvider('unleash'));
  }

  describe('against the real Unleash server', function () {
    let server: UnleashServer;
    // What is installed, from its package: independent of what the adapter reads over HTTP.
    const installedVersion = () =>
      (JSON.parse(readFileSync(path.join(path.dirname(ensureServices()), '../package.json'), 'utf8')) as { version: string }).version;

    before(async function () {
      this.timeout(180_000);
      server = await startUnleash();
      const seed = new UnleashSeeder(server);
      await seed.createFlag('PROJ-7-checkout', { description: 'New checkout' });
      await seed.addStrategy('PROJ-7-checkout', 'production', { name: 'default' });
      await seed.setEnabled('PROJ-7-checkout', 'production', true);
    });
    after(async function () {
      this.timeout(30_000);
      await server?.stop();
    });

    it('Admin API mode names the server\'s version: "Unleash <version>"', async () => {
      const products = await sync({ url: server.apiUrl, adminToken: server.adminToken });
      assert.deepEqual(products, [{ product: `Unleash ${installedVersion()}` }]);
    });

    it('client-token mode names Unleash alone (client tokens may not read the version)', async () => {
      const products = await sync({
        url: server.apiUrl,
        environments: [
          { name: 'production', type: 'production', clientToken: server.clientTokens.production },
          { name: 'development', type: 'development', clientToken: server.clientTokens.development },
        ],
      });
      assert.deepEqual(products, [{ product: 'Unleash' }]);
    });
  });

  describe('when the version lookup fails (loopback stand-in for the Admin API)', function () {
    let api: FixtureServer | undefined;
    afterEach(async () => {
      await api?.close();
      api = undefined;
    });

    async function syncStandIn(uiConfig: FixtureAnswer | undefined): Promise<unknown[]> {
      api = await startUnleashStandIn(standInData(), (request) => (request.path === '/api/admin/ui-config' ? uiConfig : undefined));
      const products = await sync({ url: `${api.url}/api`, adminToken: STAND_IN_ADMIN_TOKEN });
      assert.ok(
        api.requests.some((r) => r.path === '/api/admin/ui-config'),
        'the adapter asked for the version',
      );
      return products;
    }

    it('names Unleash alone, and syncs, when the server has no /api/admin/ui-config', async () => {
      assert.deepEqual(await syncStandIn(undefined), [{ product: 'Unleash' }]);
    });

    it('names Unleash alone, and syncs, when /api/admin/ui-config answers 500', async () => {
      assert.deepEqual(await syncStandIn({ status: 500, body: { message: 'boom' } }), [{ product: 'Unleash' }]);
    });

    it('names Unleash alone when the answer carries no usable version', async () => {
      assert.deepEqual(await syncStandIn({ body: { version: '<html>', unleashUrl: 'x' } }), [{ product: 'Unleash' }]);
    });
  });
});
