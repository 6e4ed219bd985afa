import { strict as assert } from 'node:assert';
import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import { builtInRegistry } from '../../../src/adapter-host/registry';
import { syncOnce } from '../../../src/cli/commands/sync';
import { loadConfig } from '../../../src/config';
import type { FixtureServer } from '../../../src/kit/testing';
import { silentLogger } from '../../../src/log';
import { startSimulator, type Simulator } from '../../../src/simulator';
import type { StateStore } from '../../../src/reconcile/state-store';
import { tempDir } from '../../../test/helpers/flagd-fixtures';
import { fileStoreObservingLoad } from '../../../test/helpers/load-observer';
import { writeSyncConfig } from '../../../test/helpers/sync-config';
import {
  featureIn,
  NEWEST_EVENT_PATH as NEWEST_EVENT,
  recordEventIn,
  STAND_IN_ADMIN_TOKEN,
  STAND_IN_CLIENT_TOKENS,
  standInData,
  startUnleashStandIn,
  type StandInData,
} from './stand-in-api';

/** The stand-in Unleash and the Jira simulator on loopback, with one provider whose entry `entry` completes. */
function skipWorld(entry: (apiUrl: string) => Record<string, unknown>) {
  const world = {} as { api: FixtureServer; sim: Simulator; dir: string; data: StandInData; configFile: string };
  beforeEach(async () => {
    world.data = standInData();
    world.api = await startUnleashStandIn(world.data);
    world.sim = await startSimulator({});
    world.dir = await tempDir('unleash-skip-');
    world.configFile = await writeSyncConfig(world.dir, world.sim, [
      { name: 'unleash', adapter: 'unleash', ...entry(`${world.api.url}/api`) },
    ]);
  });
  afterEach(async () => {
    await world.sim.close();
    await world.api.close();
    await rm(world.dir, { recursive: true, force: true });
  });
  const asked = () => world.api.requests.map((r) => `${r.path}?${r.query.toString()}`);
  return {
    world,
    jiraWrites: () => world.sim.requests.filter((r) => r.path.includes('/featureflags/') && r.method !== 'GET'),
    async sync(options: { store?: StateStore } = {}) {
      const config = await loadConfig(world.configFile, builtInRegistry());
      return syncOnce(config, silentLogger, { dryRun: false, allowMassDelete: false, ...options });
    },
    /** The run's store, noting at its state load the Unleash requests made so far (`path?query`). */
    observedStore(seen: { atLoad?: string[] }) {
      return fileStoreObservingLoad(path.join(world.dir, 'state.json'), () => {
        seen.atLoad = asked();
      });
    },
    asked,
  };
}

/**
 * Admin API mode: after a run Jira fully accepted, an instance whose newest event is still that run's is not read
 * again (one request instead of the list and two per feature); any change, which Unleash records as an event, is.
 * The stand-in serves the Admin API over loopback; runs go through the core into the Jira simulator.
 */
describe('Unleash Admin API: unchanged instance skip (newest event id)', function () {
  this.timeout(30_000);
  const { world, jiraWrites, sync, observedStore, asked } = skipWorld((url) => ({
    url,
    adminToken: STAND_IN_ADMIN_TOKEN,
    environments: [{ name: 'production' }, { name: 'development' }],
  }));

  it('asks only for the newest event when it did not move, and sends nothing', async () => {
    const first = await sync();
    assert.equal(first.results[0]!.created, 2); // the third flag carries no issue key
    world.api.requests.length = 0;
    world.sim.clearRequests();
    const second = await sync();
    assert.deepEqual(
      { ok: second.ok, unchanged: second.results[0]!.unchanged, deleted: second.results[0]!.deleted, jira: jiraWrites().length },
      { ok: true, unchanged: 2, deleted: 0, jira: 0 },
    );
    assert.deepEqual(
      world.api.requests.map((r) => `${r.path}?${r.query.toString()}`),
      [NEWEST_EVENT],
    );
  });

  it('reads and sends again once a change wrote a new event', async () => {
    await sync();
    const production = featureIn(world.data, 'PROJ-7-new-onboarding').feature.environments.find((e) => e['name'] === 'production')!;
    production['enabled'] = false;
    recordEventIn(world.data);
    const report = await sync();
    assert.equal(report.results[0]!.updated, 1);
  });

  it('a changed instance has state loaded before any feature is read: the check, then state, then the read', async () => {
    await sync();
    featureIn(world.data, 'PROJ-7-new-onboarding').feature.environments.find((e) => e['name'] === 'production')!['enabled'] = false;
    recordEventIn(world.data);
    world.api.requests.length = 0;
    const seen: { atLoad?: string[] } = {};
    const report = await sync({ store: observedStore(seen) });
    assert.equal(report.results[0]!.updated, 1);
    assert.deepEqual(seen.atLoad, [NEWEST_EVENT], 'the newest event alone');
    // The read's own before and after listing; the check is not asked again.
    assert.equal(asked().filter((a) => a === NEWEST_EVENT).length, 3);
  });
});

/**
 * Client tokens: each environment's client features (what Unleash's SDKs poll) is asked for its version before the
 * read; after a run Jira fully accepted, the same versions mean nothing is read or mapped (no SDK client started).
 */
describe('Unleash client tokens: unchanged source skip (client features version)', function () {
  this.timeout(30_000);
  const { world, jiraWrites, sync, observedStore } = skipWorld((url) => ({
    url,
    environments: [
      { name: 'production', clientToken: STAND_IN_CLIENT_TOKENS.production },
      { name: 'development', clientToken: STAND_IN_CLIENT_TOKENS.development },
    ],
  }));

  it('asks each environment for its version only, when nothing changed, and sends nothing', async () => {
    const first = await sync();
    // The client API carries no tags: one feature is linked by its name.
    assert.equal(first.results[0]!.created, 1);
    world.api.requests.length = 0;
    world.sim.clearRequests();
    const second = await sync();
    assert.deepEqual(
      { ok: second.ok, unchanged: second.results[0]!.unchanged, deleted: second.results[0]!.deleted, jira: jiraWrites().length },
      { ok: true, unchanged: 1, deleted: 0, jira: 0 },
    );
    // One version request per environment; the SDK (which registers and fetches on its own) never started.
    assert.deepEqual(
      world.api.requests.map((r) => r.path),
      ['/api/client/features', '/api/client/features'],
    );
  });

  it('reads and sends again once an environment changed', async () => {
    await sync();
    const production = featureIn(world.data, 'PROJ-7-new-onboarding').feature.environments.find((e) => e['name'] === 'production')!;
    production['enabled'] = false;
    const report = await sync();
    assert.equal(report.results[0]!.updated, 1);
  });

  it('a changed environment has state loaded before any feature is read: the check, then state, then the read', async () => {
    await sync();
    featureIn(world.data, 'PROJ-7-new-onboarding').feature.environments.find((e) => e['name'] === 'production')!['enabled'] = false;
    world.api.requests.length = 0;
    const seen: { atLoad?: string[] } = {};
    const report = await sync({ store: observedStore(seen) });
    assert.equal(report.results[0]!.updated, 1);
    assert.deepEqual(seen.atLoad, ['/api/client/features?', '/api/client/features?'], 'one version ask per environment');
    // Then one read per environment: the versions the check took serve the read.
    assert.equal(world.api.requests.filter((r) => r.path === '/api/client/features').length, 4);
  });
});
