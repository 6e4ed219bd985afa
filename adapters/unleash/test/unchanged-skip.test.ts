import { strict as assert } from 'node:assert';
import { rm } from 'node:fs/promises';
import { builtInRegistry } from '../../../src/adapter-host/registry';
import { syncOnce } from '../../../src/cli/commands/sync';
import { loadConfig } from '../../../src/config';
import type { FixtureServer } from '../../../src/kit/testing';
import { silentLogger } from '../../../src/log';
import { startSimulator, type Simulator } from '../../../src/simulator';
import { tempDir } from '../../../test/helpers/flagd-fixtures';
import { writeSyncConfig } from '../../../test/helpers/sync-config';
import {
  featureIn,
  recordEventIn,
  STAND_IN_ADMIN_TOKEN,
  STAND_IN_CLIENT_TOKENS,
  standInData,
  startUnleashStandIn,
  type StandInData,
} from './stand-in-api';

/**
 * Admin API mode: after a run Jira fully accepted, an instance whose newest event is still that run's is not read
 * again (one request instead of the list and two per feature); any change, which Unleash records as an event, is.
 * The stand-in serves the Admin API over loopback; runs go through the core into the Jira simulator.
 */
describe('Unleash Admin API: unchanged instance skip (newest event id)', function () {
  this.timeout(30_000);
  let api: FixtureServer;
  let sim: Simulator;
  let dir: string;
  let data: StandInData;
  let configFile: string;
  const jiraWrites = () => sim.requests.filter((r) => r.path.includes('/featureflags/') && r.method !== 'GET');

  async function sync() {
    const config = await loadConfig(configFile, builtInRegistry());
    return syncOnce(config, silentLogger, { dryRun: false, allowMassDelete: false });
  }

  beforeEach(async () => {
    data = standInData();
    api = await startUnleashStandIn(data);
    sim = await startSimulator({});
    dir = await tempDir('unleash-skip-');
    const provider = {
      name: 'unleash',
      adapter: 'unleash',
      url: `${api.url}/api`,
      adminToken: STAND_IN_ADMIN_TOKEN,
      environments: [{ name: 'production' }, { name: 'development' }],
    };
    configFile = await writeSyncConfig(dir, sim, [provider]);
  });
  afterEach(async () => {
    await sim.close();
    await api.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('asks only for the newest event when it did not move, and sends nothing', async () => {
    const first = await sync();
    assert.equal(first.results[0]!.created, 2); // the third flag carries no issue key
    api.requests.length = 0;
    sim.clearRequests();
    const second = await sync();
    assert.deepEqual(
      { ok: second.ok, unchanged: second.results[0]!.unchanged, deleted: second.results[0]!.deleted, jira: jiraWrites().length },
      { ok: true, unchanged: 2, deleted: 0, jira: 0 },
    );
    assert.deepEqual(
      api.requests.map((r) => `${r.path}?${r.query.toString()}`),
      ['/api/admin/search/events?limit=1&offset=0'],
    );
  });

  it('reads and sends again once a change wrote a new event', async () => {
    await sync();
    const production = featureIn(data, 'PROJ-7-new-onboarding').feature.environments.find((e) => e['name'] === 'production')!;
    production['enabled'] = false;
    recordEventIn(data);
    const report = await sync();
    assert.equal(report.results[0]!.updated, 1);
  });
});

/**
 * Client tokens: each environment's client features (what Unleash's SDKs poll) is asked for its version before the
 * read; after a run Jira fully accepted, the same versions mean nothing is read or mapped (no SDK client started).
 */
describe('Unleash client tokens: unchanged source skip (client features version)', function () {
  this.timeout(30_000);
  let api: FixtureServer;
  let sim: Simulator;
  let dir: string;
  let data: StandInData;
  let configFile: string;
  const jiraWrites = () => sim.requests.filter((r) => r.path.includes('/featureflags/') && r.method !== 'GET');

  async function sync() {
    const config = await loadConfig(configFile, builtInRegistry());
    return syncOnce(config, silentLogger, { dryRun: false, allowMassDelete: false });
  }

  beforeEach(async () => {
    data = standInData();
    api = await startUnleashStandIn(data);
    sim = await startSimulator({});
    dir = await tempDir('unleash-client-skip-');
    const provider = {
      name: 'unleash',
      adapter: 'unleash',
      url: `${api.url}/api`,
      environments: [
        { name: 'production', clientToken: STAND_IN_CLIENT_TOKENS.production },
        { name: 'development', clientToken: STAND_IN_CLIENT_TOKENS.development },
      ],
    };
    configFile = await writeSyncConfig(dir, sim, [provider]);
  });
  afterEach(async () => {
    await sim.close();
    await api.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('asks each environment for its version only, when nothing changed, and sends nothing', async () => {
    const first = await sync();
    // The client API carries no tags: one feature is linked by its name.
    assert.equal(first.results[0]!.created, 1);
    api.requests.length = 0;
    sim.clearRequests();
    const second = await sync();
    assert.deepEqual(
      { ok: second.ok, unchanged: second.results[0]!.unchanged, deleted: second.results[0]!.deleted, jira: jiraWrites().length },
      { ok: true, unchanged: 1, deleted: 0, jira: 0 },
    );
    // One version request per environment; the SDK (which registers and fetches on its own) never started.
    assert.deepEqual(
      api.requests.map((r) => r.path),
      ['/api/client/features', '/api/client/features'],
    );
  });

  it('reads and sends again once an environment changed', async () => {
    await sync();
    const production = featureIn(data, 'PROJ-7-new-onboarding').feature.environments.find((e) => e['name'] === 'production')!;
    production['enabled'] = false;
    const report = await sync();
    assert.equal(report.results[0]!.updated, 1);
  });
});
