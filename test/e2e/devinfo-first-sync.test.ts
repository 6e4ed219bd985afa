import { strict as assert } from 'node:assert';
import { readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as sinon from 'sinon';
import { purgeWith } from '../../src/cli/commands/purge';
import { syncOnce } from '../../src/cli/commands/sync';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/log';
import type { RepositoryRecord } from '../../src/reconcile/state';
import type { StateStore } from '../../src/reconcile/state-store';
import { startSimulator, type Simulator } from '../../src/simulator';
import { FileStateStore } from '../../src/store/file/file-state-store';
import { postgresBackend, type PgBackend } from '../../src/store/postgres/pg-backend';
import { registryWithGit, TestRepo } from '../helpers/git-repo';
import { linkedFlags, tempDir, writeEnvironments } from '../helpers/flagd-fixtures';
import { createTestDatabase, queryDatabase, type TestDatabase } from '../helpers/postgres';
import { flagdProvider, writeSyncConfig } from '../helpers/sync-config';

const devinfoBodies = (sim: Simulator) =>
  sim.requests
    .filter((r) => r.method === 'POST' && r.path.includes('/devinfo/') && r.path.endsWith('/bulk'))
    .map((r) => r.body as { preventTransitions?: boolean; operationType?: string; repositories: { id: string }[] });
const modes = (sim: Simulator) =>
  devinfoBodies(sim).map((b) => [b.repositories.map((r) => r.id).join(), b.preventTransitions, b.operationType]);
const BACKFILL = [true, 'BACKFILL'] as const;
const NORMAL = [undefined, undefined] as const;

/**
 * A state store as a new process opens it: every sync gets a fresh store object (the file read again, a new
 * connection pool), so what a run keeps must have been written, not merely held in memory.
 */
interface StoreCase {
  readonly name: string;
  readonly setUp: (dir: string) => Promise<void>;
  readonly open: () => StateStore;
  /** Leaves state as the previous flagsync version wrote it: entity records, no repository records. */
  readonly asWrittenBefore: () => Promise<void>;
  readonly tearDown: () => Promise<void>;
}

function fileStore(): StoreCase {
  let file = '';
  return {
    name: 'file store',
    setUp: async (dir) => void (file = path.join(dir, 'state.json')),
    open: () => new FileStateStore(file),
    asWrittenBefore: async () => {
      const state = JSON.parse(await readFile(file, 'utf8')) as { repositories?: unknown };
      assert.ok(state.repositories !== undefined);
      delete state.repositories;
      await writeFile(file, JSON.stringify(state));
      await rm(`${file}.summary`, { force: true });
    },
    tearDown: async () => undefined,
  };
}

function postgresStore(): StoreCase {
  let db: TestDatabase | undefined;
  const opened: PgBackend[] = [];
  return {
    name: 'postgres store',
    setUp: async () => void (db = await createTestDatabase()),
    open: () => {
      const backend = postgresBackend(db!.url);
      opened.push(backend);
      return backend.state;
    },
    asWrittenBefore: async () => void (await queryDatabase(db!.url, 'DELETE FROM flagsync_repositories')),
    tearDown: async () => {
      await Promise.all(opened.splice(0).map((b) => b.close()));
      await db?.drop();
    },
  };
}

for (const store of [fileStore(), postgresStore()]) {
  describe(`devinfo: a repository's first sync is its one backfill, even when it linked nothing (${store.name})`, function () {
    this.timeout(30_000);
    let sim: Simulator;
    let dir: string;
    let web: TestRepo;
    let configFile: string;

    const gitProvider = (...names: string[]) => ({
      name: 'code',
      adapter: 'git',
      repositories: names.map((name) => ({ path: path.join(dir, name), name, url: `https://git.example/acme/${name}` })),
    });
    const configure = async (providers: readonly Record<string, unknown>[]) => {
      configFile = await writeSyncConfig(dir, sim, providers, { sync: { massDeleteThreshold: 0.5 } });
    };
    const sync = async (dryRun = false) =>
      syncOnce(await loadConfig(configFile, registryWithGit()), silentLogger, { dryRun, allowMassDelete: true, store: store.open() });
    const repositoryRecords = async (): Promise<Record<string, RepositoryRecord>> => (await store.open().load()).repositories ?? {};

    beforeEach(async () => {
      sim = await startSimulator({});
      dir = await tempDir('flagsync-first-sync-');
      await store.setUp(dir);
      web = new TestRepo(path.join(dir, 'web'));
      web.commit('Initial commit');
      await configure([gitProvider('web')]);
    });
    afterEach(async () => {
      sinon.restore();
      await sim.close();
      await store.tearDown();
      await rm(dir, { recursive: true, force: true });
    });

    it('a first sync that links nothing sends nothing; the first keyed commit after it is new work: NORMAL, its smart commit acts', async () => {
      const first = await sync();
      assert.equal(first.ok, true, JSON.stringify(first.results));
      assert.deepEqual(devinfoBodies(sim), []);
      assert.deepEqual(await repositoryRecords(), { web: { p: 'code' } });
      const sha = web.commit('PROJ-1 #done fix the login');
      const second = await sync();
      assert.equal(second.ok, true, JSON.stringify(second.results));
      assert.deepEqual(modes(sim), [['web', ...NORMAL]]);
      assert.deepEqual(
        sim.transitions().map((t) => [t.type, t.id, t.issueKeys]),
        [
          ['commits', sha, ['PROJ-1']],
          ['branches', 'main', ['PROJ-1']],
        ],
      );
    });

    it('a repository added beside one already synced gets its own backfill; the other goes on as NORMAL', async () => {
      await sync();
      const api = new TestRepo(path.join(dir, 'api'));
      api.commit('PROJ-2 #done old work');
      await configure([gitProvider('web', 'api')]);
      web.commit('PROJ-1 #done new work');
      await sync();
      assert.deepEqual(modes(sim).sort(), [
        ['api', ...BACKFILL],
        ['web', ...NORMAL],
      ]);
      assert.deepEqual([...new Set(sim.transitions().map((t) => t.repositoryId))], ['web']);
    });

    it('a dry run records nothing: the first real sync is still the backfill', async () => {
      const plan = await sync(true);
      assert.equal(plan.dryRun, true);
      assert.deepEqual(await repositoryRecords(), {});
      web.commit('PROJ-1 #done before the first real sync');
      await sync();
      assert.deepEqual(modes(sim), [['web', ...BACKFILL]]);
      assert.deepEqual(sim.transitions(), []);
    });

    for (const [status, what] of [
      [400, 'refused'],
      [503, 'got no answer'],
    ] as const) {
      it(`a first sync Jira ${what} (${status}) is not done: the next sync is the backfill again`, async () => {
        web.commit('PROJ-1 #done old work');
        sim.injectFault({ type: 'status', status, method: 'POST', path: '/devinfo/', times: 10, body: { errorMessages: ['no'] } });
        const failed = await sync();
        assert.equal(failed.ok, false);
        assert.deepEqual(await repositoryRecords(), {});
        sim.clearFaults();
        sim.clearRequests();
        const again = await sync();
        assert.equal(again.ok, true, JSON.stringify(again.results));
        assert.deepEqual(modes(sim), [['web', ...BACKFILL]]);
        assert.deepEqual(sim.transitions(), []);
        assert.deepEqual(await repositoryRecords(), { web: { p: 'code' } });
      });
    }

    it('state written by the previous version (no repository records): a repository with accepted records is still done', async () => {
      web.commit('PROJ-1 first');
      await sync();
      await store.asWrittenBefore();
      sim.clearRequests();
      web.commit('PROJ-1 #done later');
      await sync();
      assert.deepEqual(modes(sim), [['web', ...NORMAL]]);
      assert.deepEqual(await repositoryRecords(), { web: { p: 'code' } });
    });

    it('a repository removed from its provider and added back is backfilled again (what it finds then is history)', async () => {
      new TestRepo(path.join(dir, 'api')).commit('PROJ-7 api start');
      await configure([gitProvider('web', 'api')]);
      await sync();
      assert.deepEqual(Object.keys(await repositoryRecords()).sort(), ['api', 'web']);
      await configure([gitProvider('api')]);
      await sync();
      assert.deepEqual(Object.keys(await repositoryRecords()), ['api']);
      web.commit('PROJ-1 #done while it was not synced');
      await configure([gitProvider('web', 'api')]);
      sim.clearRequests();
      await sync();
      assert.deepEqual(modes(sim), [['web', ...BACKFILL]]);
      assert.deepEqual(sim.transitions(), []);
    });

    it('its git provider removed from the config and added back: backfilled again, though it never held a record', async () => {
      await sync();
      await writeEnvironments(dir, linkedFlags(1));
      await configure([flagdProvider('flags', dir)]);
      assert.equal((await sync()).ok, true);
      assert.deepEqual(await repositoryRecords(), {});
      web.commit('PROJ-1 #done while it was not synced');
      await configure([gitProvider('web')]);
      await sync();
      assert.deepEqual(modes(sim), [['web', ...BACKFILL]]);
      assert.deepEqual(sim.transitions(), []);
    });

    it('purge forgets its repositories: the next run sends their history again as a backfill', async () => {
      web.commit('PROJ-1 #done old work');
      await sync();
      sinon.stub(process.stdout, 'write').returns(true);
      const options = { yes: true, json: true, config: configFile, logLevel: 'silent' } as const;
      const purged = await purgeWith(options, 'code', await loadConfig(configFile, registryWithGit()), store.open());
      sinon.restore();
      assert.equal(purged, 0);
      assert.deepEqual(await repositoryRecords(), {});
      sim.clearRequests();
      await sync();
      assert.deepEqual(modes(sim), [['web', ...BACKFILL]]);
      assert.deepEqual(sim.transitions(), []);
    });
  });
}
