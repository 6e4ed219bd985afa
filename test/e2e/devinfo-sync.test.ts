import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { syncOnce } from '../../src/cli/commands/sync';
import { loadConfig } from '../../src/config';
import type { JiraRepository } from '../../src/jira/payloads';
import { silentLogger } from '../../src/log';
import { startSimulator, type Simulator } from '../../src/simulator';
import { prepareBuild, spoolDirOf, spoolEvent, spooledFiles } from '../../src/send';
import * as sinon from 'sinon';
import { FileStateStore } from '../../src/store/file/file-state-store';
import { registryWithGit, TestRepo } from '../helpers/git-repo';
import { linkedFlags, tempDir, writeEnvironments } from '../helpers/flagd-fixtures';
import { flagdProvider, writeSyncConfig } from '../helpers/sync-config';

const devinfoPosts = (sim: Simulator) =>
  sim.requests.filter((r) => r.method === 'POST' && r.path.includes('/devinfo/') && r.path.endsWith('/bulk'));
const sentRepositories = (sim: Simulator) => devinfoPosts(sim).flatMap((r) => (r.body as { repositories: JiraRepository[] }).repositories);
const stored = (sim: Simulator, id: string) => (sim.stored('devinfo') as unknown as JiraRepository[]).find((r) => r.id === id);

describe('devinfo end to end (real git repository → reconciler → simulator)', function () {
  this.timeout(30_000);
  let sim: Simulator;
  let dir: string;
  let repo: TestRepo;
  let configFile: string;

  const sync = async (allowMassDelete = false) =>
    syncOnce(await loadConfig(configFile, registryWithGit()), silentLogger, { dryRun: false, allowMassDelete });
  const provider = (repoPath: string) => ({
    name: 'code',
    adapter: 'git',
    repositories: [{ path: repoPath, name: 'web', url: 'https://git.example/acme/web' }],
  });

  beforeEach(async () => {
    sim = await startSimulator({});
    dir = await tempDir('flagsync-devinfo-');
    repo = new TestRepo(path.join(dir, 'web'));
    repo.commit('PROJ-1 first');
    repo.commit('PROJ-2 second');
    repo.checkout('feature/PROJ-9-login', true);
    repo.commit('PROJ-9 login form');
    repo.checkout('main');
    repo.merge('feature/PROJ-9-login', 'Merge branch for PROJ-9');
    repo.checkout('PROJ-4-cleanup', true);
    repo.commit('cleanup');
    repo.checkout('main');
    configFile = await writeSyncConfig(dir, sim, [provider(path.join(dir, 'web'))], { sync: { massDeleteThreshold: 0.5 } });
  });
  afterEach(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('first run stores the repository with its linked branches and commits', async () => {
    const report = await sync();
    assert.equal(report.ok, true);
    const web = stored(sim, 'web')!;
    assert.deepEqual(web.branches?.map((b) => b.name).sort(), ['PROJ-4-cleanup', 'feature/PROJ-9-login', 'main']);
    assert.deepEqual(web.commits?.map((c) => c.message).sort(), [
      'Merge branch for PROJ-9',
      'PROJ-1 first',
      'PROJ-2 second',
      'PROJ-9 login form',
    ]);
    assert.equal(report.results[0]!.created, 7);
  });

  it('every request and every entity is valid for Jira (400 for a bad request, failed in the 202 for a bad entity)', async () => {
    const report = await sync();
    assert.deepEqual(
      devinfoPosts(sim).map((r) => r.status),
      [202],
    );
    assert.deepEqual(report.results[0]!.rejected, []);
  });

  it('a second run with nothing changed sends nothing', async () => {
    await sync();
    const before = devinfoPosts(sim).length;
    const report = await sync();
    assert.equal(devinfoPosts(sim).length, before);
    assert.equal(report.results[0]!.unchanged, 7);
  });

  it('a new commit sends only that commit and its branch', async () => {
    await sync();
    sim.clearRequests();
    repo.checkout('feature/PROJ-9-login');
    const sha = repo.commit('PROJ-9 validation');
    await sync();
    const [sent] = sentRepositories(sim);
    assert.deepEqual(
      sent?.commits?.map((c) => c.id),
      [sha],
    );
    assert.deepEqual(
      sent?.branches?.map((b) => b.name),
      ['feature/PROJ-9-login'],
    );
  });

  it('a deleted branch is deleted in Jira with deleteEntity', async () => {
    await sync();
    const sentSequence = sentRepositories(sim)
      .flatMap((r) => r.branches ?? [])
      .find((b) => b.name === 'PROJ-4-cleanup')!.updateSequenceId;
    repo.deleteBranch('PROJ-4-cleanup');
    const report = await sync();
    assert.equal(report.results[0]!.deleted, 1);
    const del = sim.requests.find((r) => r.method === 'DELETE' && r.path.endsWith('/repository/web/branch/PROJ-4-cleanup'));
    assert.ok(del !== undefined);
    // _updateSequenceId at or above what Jira holds for the branch, so the delete takes it (and nothing newer).
    assert.ok(Number(del.query['_updateSequenceId']) >= sentSequence, JSON.stringify(del.query));
    assert.deepEqual(
      stored(sim, 'web')!
        .branches?.map((b) => b.name)
        .sort(),
      ['feature/PROJ-9-login', 'main'],
    );
  });

  it('a git provider renamed (same repository): the new name takes the branches over, the old name deletes none of them', async () => {
    await sync();
    configFile = await writeSyncConfig(dir, sim, [{ ...provider(path.join(dir, 'web')), name: 'code-renamed' }], {
      sync: { massDeleteThreshold: 0.5 },
    });
    const report = await sync(true);
    assert.equal(report.ok, true, JSON.stringify(report.results));
    assert.deepEqual(
      stored(sim, 'web')!
        .branches?.map((b) => b.name)
        .sort(),
      ['PROJ-4-cleanup', 'feature/PROJ-9-login', 'main'],
    );
    assert.equal(sim.requests.filter((r) => r.method === 'DELETE').length, 0);
    // Converged: the next run has nothing to send or delete.
    sim.clearRequests();
    await sync(true);
    assert.equal(sim.requests.filter((r) => r.method === 'DELETE' || (r.method === 'POST' && r.path.includes('devinfo'))).length, 0);
  });

  it('the last git provider removed from the config: its branches are deleted from Jira (its commits stay: history)', async () => {
    await sync();
    assert.equal(stored(sim, 'web')!.branches?.length, 3);
    // Only a flag provider left: the devinfo kind still runs, for the provider the config no longer has.
    await writeEnvironments(dir, linkedFlags(2));
    configFile = await writeSyncConfig(dir, sim, [flagdProvider('flags', dir)]);
    const report = await sync(true);
    assert.equal(report.ok, true, JSON.stringify(report.results));
    const web = stored(sim, 'web');
    assert.deepEqual(web?.branches ?? [], []);
    assert.equal(web?.commits?.length, 4, 'commits are forgotten, never deleted, as when they leave the maxCommits window');
    // Nothing of it is left in state: the next run plans no devinfo at all.
    const again = await sync();
    assert.deepEqual(
      again.results.map((r) => r.provider),
      ['flags'],
    );
  });

  it("a second git provider added: the first one's source record goes (skipping does not apply to several, and it could go stale)", async () => {
    await sync();
    const sourcesAfter = async () => (await new FileStateStore(path.join(dir, 'state.json')).load()).sources ?? {};
    assert.ok((await sourcesAfter())['code'] !== undefined, 'one git provider: its branch tips are recorded');
    const other = new TestRepo(path.join(dir, 'api'));
    other.commit('PROJ-7 api start');
    configFile = await writeSyncConfig(
      dir,
      sim,
      [
        provider(path.join(dir, 'web')),
        {
          name: 'code-api',
          adapter: 'git',
          repositories: [{ path: path.join(dir, 'api'), name: 'api', url: 'https://git.example/acme/api' }],
        },
      ],
      { sync: { massDeleteThreshold: 0.5 } },
    );
    assert.equal((await sync()).ok, true);
    assert.deepEqual(Object.keys(await sourcesAfter()), []);
  });

  it('sends and deletes a branch whose name Jira refuses as an id ("/") under one id of its characters', async () => {
    await sync();
    const sent = sentRepositories(sim).flatMap((r) => r.branches ?? []);
    const feature = sent.find((b) => b.name === 'feature/PROJ-9-login')!;
    assert.match(feature.id, /^~[0-9a-f]+$/);
    assert.ok(sent.every((b) => /^[A-Za-z0-9~.\-_]+$/.test(b.id)));
    repo.deleteBranch('feature/PROJ-9-login');
    const report = await sync();
    assert.equal(report.results[0]!.deleted, 1);
    assert.ok(sim.requests.some((r) => r.method === 'DELETE' && r.path.endsWith(`/repository/web/branch/${feature.id}`)));
    assert.deepEqual(
      stored(sim, 'web')!
        .branches?.map((b) => b.name)
        .sort(),
      ['PROJ-4-cleanup', 'main'],
    );
  });

  it('branch tips as the last fully accepted run left them: no git log, nothing sent, state not loaded; a push is read', async () => {
    await sync();
    const store = new FileStateStore(path.join(dir, 'state.json'));
    const load = sinon.spy(store, 'load');
    sim.clearRequests();
    const config = await loadConfig(configFile, registryWithGit());
    const quiet = await syncOnce(config, silentLogger, { dryRun: false, allowMassDelete: false, store });
    assert.equal(quiet.ok, true);
    assert.equal(load.callCount, 0);
    assert.equal(sim.requests.length, 0);
    assert.deepEqual([quiet.results[0]!.unchanged, quiet.results[0]!.created + quiet.results[0]!.updated], [7, 0]);

    const sha = repo.commit('PROJ-10 after the skip');
    const pushed = await syncOnce(config, silentLogger, { dryRun: false, allowMassDelete: false, store });
    assert.equal(load.callCount, 1);
    assert.equal(pushed.results[0]!.created, 1);
    assert.ok(stored(sim, 'web')!.commits?.some((c) => c.id === sha));
  });

  it('state written by an earlier version (other branch ids, other hashes) neither fails the run nor trips the guard', async () => {
    await sync();
    // An earlier version recorded the same entity ids (<repo>/branch/<name>) with the hash of its own payload,
    // whose branch id was the percent-encoded name.
    const statePath = path.join(dir, 'state.json');
    const state = JSON.parse(await readFile(statePath, 'utf8')) as {
      entities: { devinfo: Record<string, { h: string }> };
      sources?: unknown;
    };
    for (const [id, record] of Object.entries(state.entities.devinfo)) if (id.includes('/branch/')) record.h = `earlier-${record.h}`;
    // Nor did it remember the repository's branch tips (the unchanged-source skip came later).
    delete state.sources;
    await writeFile(statePath, JSON.stringify(state));
    sim.clearRequests();
    const report = await sync();
    assert.equal(report.ok, true);
    const result = report.results[0]!;
    assert.deepEqual([result.deleted, result.deletesRefused, result.updated], [0, 0, 3]);
    assert.equal(sim.requests.filter((r) => r.method === 'DELETE').length, 0);
  });

  describe('history moves no issues: the first sync is a backfill', () => {
    const bodies = () => devinfoPosts(sim).map((r) => r.body as { preventTransitions?: boolean; operationType?: string });

    it('the first sync sends old commits and branches with preventTransitions and operationType BACKFILL', async () => {
      await sync();
      assert.deepEqual(
        bodies().map((b) => [b.preventTransitions, b.operationType]),
        [[true, 'BACKFILL']],
      );
      assert.deepEqual(sim.transitions(), []);
    });

    it('commits and branches found by later runs go as NORMAL, so smart commits work for new work', async () => {
      await sync();
      sim.clearRequests();
      const sha = repo.commit('PROJ-9 validation');
      await sync();
      assert.deepEqual(
        bodies().map((b) => [b.preventTransitions, b.operationType]),
        [[undefined, undefined]],
      );
      assert.deepEqual(
        sim.transitions().map((t) => [t.type, t.id, t.issueKeys]),
        [['commits', sha, ['PROJ-9']]],
      );
    });

    it('a lost state file makes the next sync a backfill again', async () => {
      await sync();
      await rm(path.join(dir, 'state.json'));
      sim.clearRequests();
      repo.commit('PROJ-2 more');
      await sync();
      assert.ok(bodies().every((b) => b.preventTransitions === true && b.operationType === 'BACKFILL'));
      assert.deepEqual(sim.transitions(), []);
    });

    it('a repository with transitions: false never fires them', async () => {
      configFile = await writeSyncConfig(
        dir,
        sim,
        [
          {
            ...provider(path.join(dir, 'web')),
            repositories: [{ path: path.join(dir, 'web'), name: 'web', url: 'https://git.example/acme/web', transitions: false }],
          },
        ],
        { sync: { massDeleteThreshold: 0.5 } },
      );
      await sync();
      repo.commit('PROJ-9 validation');
      await sync();
      assert.deepEqual(
        bodies().map((b) => [b.preventTransitions, b.operationType]),
        [
          [true, 'BACKFILL'],
          [true, undefined],
        ],
      );
      assert.deepEqual(sim.transitions(), []);
    });
  });

  it('a missing repository fails the provider and deletes nothing', async () => {
    await sync();
    await rename(path.join(dir, 'web'), path.join(dir, 'moved'));
    sim.clearRequests();
    // The mass-delete guard is off, so only the failed-provider rule can keep the branches.
    const report = await sync(true);
    assert.equal(report.ok, false);
    assert.match(report.results[0]!.error ?? '', /repository "web"/);
    assert.equal(sim.requests.filter((r) => r.method === 'DELETE').length, 0);
    assert.equal(stored(sim, 'web')!.branches?.length, 3);
  });

  it('a second provider listing a repository id the first already lists fails, naming both, and changes nothing', async () => {
    await sync();
    const other = new TestRepo(path.join(dir, 'other'));
    other.commit('PROJ-7 other start');
    configFile = await writeSyncConfig(
      dir,
      sim,
      [provider(path.join(dir, 'web')), { ...provider(path.join(dir, 'other')), name: 'code2' }],
      { sync: { massDeleteThreshold: 0.5 } },
    );
    sim.clearRequests();
    const report = await sync();
    const second = report.results.find((r) => r.provider === 'code2');
    assert.match(second?.error ?? '', /repository id "web" is already listed by provider "code"/);
    assert.equal(sim.requests.filter((r) => r.method === 'DELETE' || (r.method === 'POST' && r.path.includes('/devinfo/'))).length, 0);
  });

  it('a commit whose only key is unknown to Jira is rejected alone; the rest is stored', async () => {
    repo.checkout('PROJ-4-cleanup');
    const sha = repo.commit('NOPE-5 foreign key');
    const report = await sync();
    const result = report.results[0]!;
    assert.deepEqual(
      result.rejected.map((r) => r.id),
      [`web/commit/${sha}`],
    );
    // The branch also carries PROJ-4, so Jira keeps it and names the unknown key.
    assert.deepEqual(result.unknownIssueKeys['web/branch/PROJ-4-cleanup'], ['NOPE-5']);
    assert.ok(stored(sim, 'web')!.commits?.some((c) => c.message === 'PROJ-1 first'));
  });

  it('sends at most 400 commits of one repository per request', async () => {
    // 450 linked commits in one go with fast-import: one git process instead of 450.
    const lines: string[] = [];
    for (let i = 1; i <= 450; i++) {
      const message = `PROJ-${i} bulk change`;
      const content = String(i);
      lines.push(
        'commit refs/heads/bulk',
        `committer Ada Dev <ada@example.com> ${1_700_100_000 + i} +0000`,
        `data ${Buffer.byteLength(message)}`,
        message,
      );
      lines.push(`M 644 inline bulk.txt`, `data ${content.length}`, content, '');
    }
    execFileSync('git', ['fast-import', '--quiet'], { cwd: path.join(dir, 'web'), input: `${lines.join('\n')}\n` });
    configFile = await writeSyncConfig(dir, sim, [{ ...provider(path.join(dir, 'web')), maxCommits: 1000 }], {
      sync: { massDeleteThreshold: 0.5 },
    });
    const report = await sync();
    assert.equal(report.ok, true);
    const counts = sentRepositories(sim).map((r) => r.commits?.length ?? 0);
    assert.ok(
      counts.every((n) => n <= 400),
      `commits per request: ${counts.join(', ')}`,
    );
    assert.equal(stored(sim, 'web')!.commits!.length >= 400, true);
    assert.equal(
      counts.reduce((a, b) => a + b, 0),
      454,
    );
  });

  it('cuts a repository too large for one request into several: 400 commits of long messages, every one stored', async () => {
    // 1024 characters of three UTF-8 bytes each: 400 such commits are more than 1 MiB, the request cap.
    repo.commitMany(Array.from({ length: 400 }, (_, i) => `PROJ-${i + 1} ${'変更'.repeat(520)}`));
    configFile = await writeSyncConfig(dir, sim, [{ ...provider(path.join(dir, 'web')), maxCommits: 1000 }], {
      sync: { massDeleteThreshold: 0.5 },
    });
    const report = await sync();
    assert.equal(report.ok, true, `${report.results[0]!.failed.length} failed, e.g. ${report.results[0]!.failed[0]?.error}`);
    const posts = devinfoPosts(sim);
    assert.ok(posts.length >= 2, `requests: ${posts.length}`);
    assert.deepEqual(new Set(posts.map((r) => r.status)), new Set([202]));
    // 404 commits (4 from before) and 3 branches, each accepted by Jira.
    assert.equal(report.results[0]!.created, 407);
    assert.deepEqual([report.results[0]!.rejected, report.results[0]!.failed], [[], []]);
  });

  it('each run also delivers builds spooled beside the state file, removing them once accepted', async () => {
    const config = await loadConfig(configFile, registryWithGit());
    const prepared = await prepareBuild(
      { pipelineId: 'web', buildNumber: '3', state: 'failed', url: 'http://ci.example/web/3', branch: 'PROJ-2-x' },
      { now: Date.now(), cwd: dir },
    );
    await spoolEvent(spoolDirOf(config), prepared.event, Date.now());
    await syncOnce(config, silentLogger, { dryRun: false, allowMassDelete: false });
    assert.deepEqual(
      (sim.stored('builds') as { buildNumber: number }[]).map((b) => b.buildNumber),
      [3],
    );
    assert.deepEqual(await spooledFiles(spoolDirOf(config)), []);
  });
});
