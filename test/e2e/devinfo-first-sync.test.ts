import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
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
import { registryWithGit, TEST_REPO_CLOCK, TestRepo } from '../helpers/git-repo';
import { linkedFlags, tempDir, writeEnvironments } from '../helpers/flagd-fixtures';
import { createTestDatabase, queryDatabase, type TestDatabase } from '../helpers/postgres';
import { flagdProvider, writeSyncConfig } from '../helpers/sync-config';

const devinfoBodies = (sim: Simulator) =>
  sim.requests
    .filter((r) => r.method === 'POST' && r.path.includes('/devinfo/') && r.path.endsWith('/bulk'))
    .map((r) => r.body as { preventTransitions?: boolean; operationType?: string; repositories: { id: string }[] });
const modes = (sim: Simulator) =>
  devinfoBodies(sim).map((b) => [b.repositories.map((r) => r.id).join(), b.preventTransitions, b.operationType]);
const sent = (sim: Simulator) => {
  const repositories = devinfoBodies(sim).flatMap((b) => b.repositories as { commits?: { id: string }[]; branches?: { name: string }[] }[]);
  return {
    commits: repositories.flatMap((r) => (r.commits ?? []).map((c) => c.id)),
    branches: repositories.flatMap((r) => (r.branches ?? []).map((b) => b.name)),
  };
};
const storedBranches = (sim: Simulator, id: string) =>
  ((sim.stored('devinfo') as { id: string; branches?: { name: string }[] }[]).find((r) => r.id === id)?.branches ?? [])
    .map((b) => b.name)
    .sort();
const storedCommits = (sim: Simulator, id: string) =>
  ((sim.stored('devinfo') as { id: string; commits?: { id: string }[] }[]).find((r) => r.id === id)?.commits ?? []).map((c) => c.id);
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
  /** Leaves state as flagsync wrote it before repository records existed: entity records only (PostgreSQL: schema 3). */
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
    asWrittenBefore: async () => {
      await queryDatabase(db!.url, 'DROP TABLE flagsync_repositories');
      await queryDatabase(db!.url, 'DELETE FROM flagsync_schema_migrations WHERE version >= 4');
    },
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

    const gitProviderNamed = (provider: string, ...names: string[]) => ({
      name: provider,
      adapter: 'git',
      repositories: names.map((name) => ({ path: path.join(dir, name), name, url: `https://git.example/acme/${name}` })),
    });
    const gitProvider = (...names: string[]) => gitProviderNamed('code', ...names);
    const configure = async (providers: readonly Record<string, unknown>[]) => {
      configFile = await writeSyncConfig(dir, sim, providers, { sync: { massDeleteThreshold: 0.5 } });
    };
    const sync = async (dryRun = false) =>
      syncOnce(await loadConfig(configFile, registryWithGit()), silentLogger, { dryRun, allowMassDelete: true, store: store.open() });
    /** The repository records, by provider only; each first sync time they carry is checked to be an ISO time. */
    const repositoryRecords = async (): Promise<Record<string, RepositoryRecord>> => {
      const records = (await store.open().load()).repositories ?? {};
      for (const record of Object.values(records)) if (record.t !== undefined) assert.ok(!Number.isNaN(Date.parse(record.t)), record.t);
      return Object.fromEntries(Object.entries(records).map(([id, record]) => [id, { p: record.p }]));
    };

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

    it('state written before repository records existed: a repository with accepted records gets its record as state loads, so it is still done', async () => {
      web.commit('PROJ-1 first');
      await sync();
      await store.asWrittenBefore();
      assert.deepEqual(await repositoryRecords(), { web: { p: 'code' } });
      sim.clearRequests();
      const sha = web.commit('PROJ-1 #done later');
      await sync();
      assert.deepEqual(modes(sim), [['web', ...NORMAL]]);
      assert.deepEqual(
        sim.transitions().map((t) => [t.type, t.id]),
        [['commits', sha]],
      );
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

    for (const order of ['the provider it leaves', 'the provider it joins'] as const) {
      it(`a repository moved to another configured git provider (${order} first in the config) is a first sync there: a backfill, and neither provider deletes its branches`, async () => {
        web.commit('PROJ-1 #done old work');
        web.checkout('PROJ-3-login', true);
        web.commit('PROJ-3 #done login form');
        web.checkout('main');
        new TestRepo(path.join(dir, 'docs')).commit('PROJ-5 docs start');
        new TestRepo(path.join(dir, 'api')).commit('PROJ-7 api start');
        await configure([gitProviderNamed('code', 'web', 'docs'), gitProviderNamed('code-api', 'api')]);
        assert.equal((await sync()).ok, true);
        sim.clearRequests();
        // web moves from "code" to "code-api"; "code" keeps docs.
        const leaves = gitProviderNamed('code', 'docs');
        const joins = gitProviderNamed('code-api', 'web', 'api');
        await configure(order === 'the provider it leaves' ? [leaves, joins] : [joins, leaves]);
        const moved = await sync();
        assert.equal(moved.ok, true, JSON.stringify(moved.results));
        // What code-api finds of web is history to it, as it was to code: no transitions, no smart commits.
        assert.deepEqual(modes(sim), [['web', ...BACKFILL]]);
        assert.deepEqual(sim.transitions(), []);
        assert.deepEqual(
          sim.requests.filter((r) => r.method === 'DELETE').map((r) => r.path),
          [],
        );
        assert.deepEqual(storedBranches(sim, 'web'), ['PROJ-3-login', 'main']);
        assert.deepEqual(await repositoryRecords(), { web: { p: 'code-api' }, docs: { p: 'code' }, api: { p: 'code-api' } });
        // Settled: the next run sends only what is new, as new work.
        sim.clearRequests();
        const sha = web.commit('PROJ-1 #done new work');
        const next = await sync();
        assert.equal(next.ok, true, JSON.stringify(next.results));
        assert.deepEqual(modes(sim), [['web', ...NORMAL]]);
        assert.deepEqual(sent(sim), { commits: [sha], branches: ['main'] });
        assert.deepEqual(
          sim.transitions().map((t) => [t.type, t.id]),
          [['commits', sha]],
        );
      });
    }

    it('its git provider replaced by a flag provider of the same name: the repository records go, and devinfo no longer loads state', async () => {
      await sync();
      assert.deepEqual(await repositoryRecords(), { web: { p: 'code' } });
      await writeEnvironments(dir, linkedFlags(1));
      await configure([flagdProvider('code', dir)]);
      assert.equal((await sync()).ok, true);
      assert.deepEqual(await repositoryRecords(), {});
      assert.deepEqual(Object.keys((await store.open().loadSummary!())?.holdings.devinfo ?? {}), []);
      // Flags unchanged and no devinfo in state: the sync loads no records, for either kind.
      const opened = store.open();
      const load = sinon.spy(opened, 'load');
      const unchanged = await syncOnce(await loadConfig(configFile, registryWithGit()), silentLogger, {
        dryRun: false,
        allowMassDelete: true,
        store: opened,
      });
      assert.equal(unchanged.ok, true);
      assert.equal(load.callCount, 0);
    });

    it('a first sync cut short (Jira unreachable after its first request) is not done: the rest of its history goes as a backfill too', async () => {
      // 450 keyed commits in one go (fast-import: one git process): two rounds of at most 400 commits.
      const lines: string[] = [];
      for (let i = 1; i <= 450; i++) {
        const message = `PROJ-1 #comment step ${i}`;
        lines.push('commit refs/heads/main', `committer Ada Dev <ada@example.com> ${1_700_100_000 + i} +0000`);
        lines.push(`data ${Buffer.byteLength(message)}`, message, 'M 644 inline steps.txt', `data ${String(i).length}`, String(i), '');
      }
      execFileSync('git', ['fast-import', '--quiet', '--force'], { cwd: web.dir, input: `${lines.join('\n')}\n` });
      await configure([{ ...gitProvider('web'), maxCommits: 1000 }]);
      // The first request is answered, every later one fails.
      sim.injectFault({ type: 'delay', ms: 0, method: 'POST', path: '/devinfo/', times: 1 });
      sim.injectFault({ type: 'status', status: 503, method: 'POST', path: '/devinfo/', times: 10 });
      const cut = await sync();
      assert.equal(cut.ok, false);
      assert.equal(sim.requests.filter((r) => r.method === 'POST' && r.path.includes('/devinfo/') && r.status === 202).length, 1);
      assert.deepEqual(await repositoryRecords(), {});
      sim.clearFaults();
      sim.clearRequests();
      const rest = await sync();
      assert.equal(rest.ok, true, JSON.stringify(rest.results));
      assert.deepEqual(modes(sim), [['web', ...BACKFILL]]);
      assert.equal(sent(sim).commits.length, 50);
      assert.deepEqual(sim.transitions(), []);
      assert.deepEqual(await repositoryRecords(), { web: { p: 'code' } });
    });

    it('a commit authored before the first sync is history whenever it comes: back in the commit window, it goes as a backfill (no smart commit)', async () => {
      // Authored before this run's first sync (the fixture's clock otherwise dates commits after any run).
      web.at(1_700_000_000);
      const old = web.commit('PROJ-1 #done #comment old fix');
      web.commit('cleanup');
      web.checkout('topic', true);
      for (const n of [1, 2, 3]) web.commit(`wip ${n}`);
      web.checkout('main');
      await configure([{ ...gitProvider('web'), maxCommits: 3 }]);
      await sync(); // the three newest commits are the topic's: nothing links an issue yet
      assert.deepEqual(await repositoryRecords(), { web: { p: 'code' } });
      web.deleteBranch('topic');
      sim.clearRequests();
      await sync();
      assert.deepEqual(modes(sim), [['web', ...BACKFILL]]);
      assert.deepEqual(sent(sim).commits, [old]);
      assert.deepEqual(sim.transitions(), []);
      // Work authored after the first sync is new work: NORMAL, its smart commit acts.
      web.at(TEST_REPO_CLOCK + 3600);
      const sha = web.commit('PROJ-1 #done new work');
      sim.clearRequests();
      await sync();
      assert.deepEqual(modes(sim), [['web', ...NORMAL]]);
      assert.deepEqual(
        sim
          .transitions()
          .filter((t) => t.type === 'commits')
          .map((t) => t.id),
        [sha],
      );
    });

    it('a commit Jira rejected in the first sync is tried again as history, apart from new work (once Jira knows its key, its smart commit must not act)', async () => {
      web.at(1_700_000_000);
      const foreign = web.commit('NOPE-5 #done foreign key');
      web.commit('PROJ-1 old work');
      await sync();
      web.at(TEST_REPO_CLOCK + 3600);
      const sha = web.commit('PROJ-1 #done new work');
      sim.clearRequests();
      await sync();
      const requests = devinfoBodies(sim).map((b) => [
        b.preventTransitions,
        b.operationType,
        (b.repositories as { commits?: { id: string }[] }[]).flatMap((r) => (r.commits ?? []).map((c) => c.id)),
      ]);
      assert.deepEqual(requests, [
        [...NORMAL, [sha]],
        [...BACKFILL, [foreign]],
      ]);
    });

    describe('a branch pushed late, its commits older than every commit in the window', () => {
      const day = 86_400;
      let late = '';
      /** First sync of main (2 commits in the window), then a branch made days ago pushed, and main moving on. */
      const pushLate = async () => {
        web.commit('PROJ-1 start');
        const base = web.head();
        web.commit('PROJ-2 main work');
        await configure([{ ...gitProvider('web'), maxCommits: 2 }]);
        const first = await sync();
        assert.equal(first.ok, true, JSON.stringify(first.results));
        web.git('branch', 'topic', base);
        web.checkout('topic');
        web.at(TEST_REPO_CLOCK - 10 * day);
        late = web.commit('PROJ-7 #done made days ago, pushed now');
        web.checkout('main');
        web.at(TEST_REPO_CLOCK + day);
        web.commit('PROJ-3 newer main work');
        web.commit('PROJ-4 newest main work');
      };

      it('reaches Jira: the read adds what its last answered read did not reach, however old, as new work', async () => {
        await pushLate();
        sim.clearRequests();
        const second = await sync();
        assert.equal(second.ok, true, JSON.stringify(second.results));
        assert.ok(storedCommits(sim, 'web').includes(late), 'Jira holds the late commit');
        assert.deepEqual(modes(sim), [['web', ...NORMAL]]);
        assert.ok(sim.transitions().some((t) => t.type === 'commits' && t.id === late));
      });

      it('is read again from the earlier cursor when Jira did not answer the run that found it, even after more pushes', async () => {
        await pushLate();
        sim.injectFault({ type: 'status', status: 503, method: 'POST', path: '/devinfo/', times: 20 });
        const failed = await sync();
        assert.equal(failed.ok, false);
        sim.clearFaults();
        web.commit('PROJ-5 more main work');
        web.commit('PROJ-6 more main work');
        const third = await sync();
        assert.equal(third.ok, true, JSON.stringify(third.results));
        assert.ok(storedCommits(sim, 'web').includes(late), 'Jira holds the late commit');
      });
    });

    it('a first sync with a commit Jira rejects (its only key unknown) is done: that commit is tried again, later work goes as NORMAL', async () => {
      const foreign = web.commit('NOPE-5 foreign key');
      web.commit('PROJ-1 old work');
      const first = await sync();
      assert.deepEqual(
        first.results[0]!.rejected.map((r) => r.id),
        [`web/commit/${foreign}`],
      );
      assert.deepEqual(await repositoryRecords(), { web: { p: 'code' } });
      sim.clearRequests();
      const sha = web.commit('PROJ-1 #done new work');
      await sync();
      assert.deepEqual(modes(sim), [['web', ...NORMAL]]);
      assert.deepEqual(sent(sim).commits.sort(), [foreign, sha].sort());
      assert.deepEqual(
        sim.transitions().map((t) => [t.type, t.id]),
        [['commits', sha]],
      );
    });
  });
}
