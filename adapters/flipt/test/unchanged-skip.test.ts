import { strict as assert } from 'node:assert';
import { readFile, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { builtInRegistry } from '../../../src/adapter-host/registry';
import { syncOnce } from '../../../src/cli/commands/sync';
import { loadConfig } from '../../../src/config';
import type { FixtureServer } from '../../../src/kit/testing';
import { silentLogger } from '../../../src/log';
import { startSimulator, type Simulator } from '../../../src/simulator';
import { FLIPT_TOKEN, fliptNamespaces, startFliptApi } from '../../../test/contract/sources/flipt-api';
import type { StateStore } from '../../../src/reconcile/state-store';
import { tempDir } from '../../../test/helpers/flagd-fixtures';
import { fileStoreObservingLoad } from '../../../test/helpers/load-observer';
import { writeSyncConfig } from '../../../test/helpers/sync-config';
import { startFliptFront, type FliptFront, type SnapshotEndpoint } from './snapshot-front';

type Namespaces = Record<string, { flags: Record<string, unknown>[] }>;

const SNAPSHOT = '/internal/v1/evaluation/snapshot/namespace/';

/** The Flipt API stand-in behind a front serving the evaluation snapshot as `endpoint` says, and the Jira simulator. */
function skipWorld(endpoint: SnapshotEndpoint) {
  const world = {} as { api: FixtureServer; front: FliptFront; sim: Simulator; dir: string; data: Namespaces; configFile: string };
  const configure = async (options: Record<string, unknown> = {}) => {
    world.configFile = await writeSyncConfig(world.dir, world.sim, [
      {
        name: 'flipt',
        adapter: 'flipt',
        url: world.front.url,
        token: FLIPT_TOKEN,
        environments: [{ name: 'production', namespace: 'prod', type: 'production' }, { name: 'staging' }],
        ...options,
      },
    ]);
  };
  beforeEach(async () => {
    world.data = structuredClone(fliptNamespaces) as Namespaces;
    world.api = await startFliptApi(world.data);
    world.front = await startFliptFront(world.api.url, endpoint);
    world.sim = await startSimulator({});
    world.dir = await tempDir('flipt-skip-');
    await configure();
  });
  afterEach(async () => {
    await world.sim.close();
    await world.front.close();
    await world.api.close();
    await rm(world.dir, { recursive: true, force: true });
  });
  return {
    world,
    configure,
    jiraWrites: () => world.sim.requests.filter((r) => r.path.includes('/featureflags/') && r.method !== 'GET'),
    flagReads: () => world.front.requests.filter((r) => !r.path.startsWith(SNAPSHOT)),
    flag: (namespace: string, key: string) => world.data[namespace]!.flags.find((f) => f['key'] === key)!,
    async sync(options: { store?: StateStore } = {}) {
      const config = await loadConfig(world.configFile, builtInRegistry());
      return syncOnce(config, silentLogger, { dryRun: false, allowMassDelete: false, ...options });
    },
    /** The run's store, noting at its state load the Flipt requests made so far (by kind: version asks, flag reads). */
    observedStore(seen: { atLoad?: { snapshots: number; flagReads: number } }) {
      return fileStoreObservingLoad(path.join(world.dir, 'state.json'), () => {
        const snapshots = world.front.requests.filter((r) => r.path.startsWith(SNAPSHOT)).length;
        seen.atLoad = { snapshots, flagReads: world.front.requests.length - snapshots };
      });
    },
    async sourceRecord() {
      const state = JSON.parse(await readFile(path.join(world.dir, 'state.json'), 'utf8')) as { sources?: Record<string, unknown> };
      return state.sources?.['flipt'];
    },
  };
}

/**
 * After a run Jira fully accepted, namespaces whose evaluation snapshots did not move are not read again: each is
 * asked for its version (with If-None-Match when Flipt sends ETags), and no flag list or version lookup follows.
 * Runs go through the core into the Jira simulator over loopback.
 */
describe('Flipt: unchanged namespaces skip (evaluation snapshot ETags)', function () {
  this.timeout(30_000);
  const { world, configure, jiraWrites, flagReads, flag, sync, observedStore } = skipWorld('etag');

  it('asks each namespace with If-None-Match only, when nothing changed, and sends nothing', async () => {
    const first = await sync();
    assert.equal(first.results[0]!.created, 2); // dark-mode carries no issue key
    world.front.requests.length = 0;
    world.sim.clearRequests();
    const second = await sync();
    assert.deepEqual(
      { ok: second.ok, unchanged: second.results[0]!.unchanged, deleted: second.results[0]!.deleted, jira: jiraWrites().length },
      { ok: true, unchanged: 2, deleted: 0, jira: 0 },
    );
    assert.deepEqual(world.front.requests.map((r) => [r.path, r.ifNoneMatch !== undefined]).sort(), [
      [`${SNAPSHOT}prod`, true],
      [`${SNAPSHOT}staging`, true],
    ]);
  });

  it('reads and sends again once a flag changed in one namespace', async () => {
    await sync();
    flag('staging', 'new-checkout')['enabled'] = false;
    world.front.requests.length = 0;
    const report = await sync();
    assert.equal(report.results[0]!.updated, 1);
    assert.ok(flagReads().some((r) => r.path === '/api/v1/namespaces/staging/flags'));
    assert.ok(
      flagReads().some((r) => r.path === '/api/v1/namespaces/prod/flags'),
      'every namespace is read: flags merge across them',
    );
  });

  it('reads again after a change that raced the read (versions are taken before the flags)', async () => {
    world.front.afterFlagPage = (page) => {
      if (page !== '/api/v1/namespaces/staging/flags') return;
      world.front.afterFlagPage = undefined;
      flag('staging', 'new-checkout')['enabled'] = false;
    };
    const first = await sync();
    assert.equal(first.results[0]!.created, 2);
    const second = await sync();
    assert.equal(second.results[0]!.updated, 1, 'the change made during the first read is sent');
  });

  it('a changed namespace has state loaded before any flag is read: the check, then state, then the read', async () => {
    await sync();
    flag('staging', 'new-checkout')['enabled'] = false;
    world.front.requests.length = 0;
    const seen: { atLoad?: { snapshots: number; flagReads: number } } = {};
    const report = await sync({ store: observedStore(seen) });
    assert.equal(report.results[0]!.updated, 1);
    assert.deepEqual(seen.atLoad, { snapshots: 2, flagReads: 0 }, 'each namespace asked, nothing read yet');
    // Per namespace: the check's version (the read uses it), and the read of its rules.
    assert.equal(world.front.requests.length - flagReads().length, 4, "the read used the check's versions: no second version ask");
  });

  it('a check that Flipt fails counts as "changed": state first, then the read, which asks again (no skip)', async () => {
    await sync();
    flag('staging', 'new-checkout')['enabled'] = false;
    world.api.fail(503);
    world.front.requests.length = 0;
    const seen: { atLoad?: { snapshots: number; flagReads: number } } = {};
    const store = observedStore(seen);
    const { load } = store;
    // Flipt answers again by the time the run reads.
    const report = await sync({ store: Object.assign(store, { load: () => (world.api.serve(), load()) }) });
    assert.equal(report.ok, true);
    assert.equal(report.results[0]!.updated, 1);
    assert.deepEqual(seen.atLoad, { snapshots: 2, flagReads: 0 }, 'the failed check, and nothing read yet');
    assert.equal(
      world.front.requests.length - flagReads().length,
      6,
      'the failed check is not reused: the read asks again (and reads the rules)',
    );
  });

  it("reads again when the adapter's own options change (links to another UI), though Flipt did not", async () => {
    await sync();
    await configure({ uiUrl: 'https://flipt.example' });
    world.front.requests.length = 0;
    const report = await sync();
    assert.equal(report.results[0]!.updated, 2);
    assert.ok(flagReads().length > 0);
  });
});

describe('Flipt: unchanged namespaces skip (a Flipt that sends no ETag: body digest)', function () {
  this.timeout(30_000);
  const { world, jiraWrites, flagReads, flag, sync } = skipWorld('body');

  it('compares each namespace snapshot by digest: nothing changed, no flag read, nothing sent', async () => {
    await sync();
    world.front.requests.length = 0;
    world.sim.clearRequests();
    const second = await sync();
    assert.deepEqual(
      { ok: second.ok, unchanged: second.results[0]!.unchanged, jira: jiraWrites().length },
      { ok: true, unchanged: 2, jira: 0 },
    );
    assert.deepEqual(flagReads(), []);
    assert.ok(
      world.front.requests.every((r) => r.ifNoneMatch === undefined),
      'no ETag, no If-None-Match',
    );
  });

  it('reads and sends again once a flag changed in one namespace', async () => {
    await sync();
    flag('prod', 'new-checkout')['enabled'] = false;
    const report = await sync();
    assert.equal(report.results[0]!.updated, 1);
  });
});

describe('Flipt: no evaluation snapshot endpoint (Flipt before 1.32)', function () {
  this.timeout(30_000);
  const { world, jiraWrites, flagReads, flag, sync, sourceRecord } = skipWorld('missing');

  it('still syncs every run, reading the flags: no fingerprint is offered, so nothing is skipped', async () => {
    const first = await sync();
    assert.deepEqual({ ok: first.ok, created: first.results[0]!.created }, { ok: true, created: 2 });
    assert.equal(await sourceRecord(), undefined, 'no fingerprint remembered');
    world.front.requests.length = 0;
    world.sim.clearRequests();
    const second = await sync();
    assert.deepEqual(
      { ok: second.ok, unchanged: second.results[0]!.unchanged, jira: jiraWrites().length },
      { ok: true, unchanged: 2, jira: 0 },
    );
    assert.ok(flagReads().some((r) => r.path === '/api/v1/namespaces/prod/flags'));
    flag('prod', 'new-checkout')['enabled'] = false;
    const third = await sync();
    assert.equal(third.results[0]!.updated, 1);
  });
});
