import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import { closeProviders, createClient, createProviders } from '../../src/cli/wiring';
import { loadConfig } from '../../src/config';
import type { JiraRepository } from '../../src/jira/payloads';
import { silentLogger } from '../../src/log';
import { devinfoReconcileKind } from '../../src/reconcile/devinfo-kind';
import { MemoryStateStore } from '../../src/reconcile/memory-state-store';
import { runOnce } from '../../src/reconcile/run';
import { recordsOf } from '../../src/reconcile/state';
import type { StateStore } from '../../src/reconcile/state-store';
import { startSimulator, type Simulator } from '../../src/simulator';
import { registryWithGit, TestRepo } from '../helpers/git-repo';
import { tempDir } from '../helpers/flagd-fixtures';
import { writeSyncConfig } from '../helpers/sync-config';

const devinfoPosts = (sim: Simulator) =>
  sim.requests.filter((r) => r.method === 'POST' && r.path.includes('/devinfo/') && r.path.endsWith('/bulk'));
const sentBranches = (sim: Simulator) =>
  devinfoPosts(sim).flatMap((r) => (r.body as { repositories: JiraRepository[] }).repositories.flatMap((repo) => repo.branches ?? []));

/** 450 linked commits on branch `bulk` in one git process (more than one request may carry for one repository). */
function addBulkCommits(dir: string): void {
  const lines: string[] = [];
  for (let i = 1; i <= 450; i++) {
    const message = `PROJ-${i} bulk change`;
    lines.push(
      'commit refs/heads/bulk',
      `committer Ada Dev <ada@example.com> ${1_700_100_000 + i} +0000`,
      `data ${message.length}`,
      message,
    );
    lines.push('M 644 inline bulk.txt', `data ${String(i).length}`, String(i), '');
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: dir, input: `${lines.join('\n')}\n` });
}

describe('one reconcile pipeline: devinfo records outcomes as flags do', function () {
  this.timeout(30_000);
  let sim: Simulator;
  let dir: string;
  let repo: TestRepo;

  beforeEach(async () => {
    sim = await startSimulator({});
    dir = await tempDir('flagsync-pipeline-');
    repo = new TestRepo(path.join(dir, 'web'));
    repo.commit('PROJ-1 first');
  });
  afterEach(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function run(store: StateStore, saveIntervalMs = 5000) {
    const provider = {
      name: 'code',
      adapter: 'git',
      maxCommits: 1000,
      repositories: [{ path: path.join(dir, 'web'), name: 'web', url: 'https://git.example/acme/web' }],
    };
    const config = await loadConfig(await writeSyncConfig(dir, sim, [provider]), registryWithGit());
    const providers = createProviders(config, silentLogger);
    try {
      return await runOnce({
        providers,
        client: createClient(config, silentLogger),
        kind: devinfoReconcileKind,
        store,
        logger: silentLogger,
        massDeleteThreshold: 0.5,
        allowMassDelete: false,
        dryRun: false,
        saveIntervalMs,
      });
    } finally {
      await closeProviders(providers, silentLogger);
    }
  }

  /** The branch moved back to the tip its record names: a record left in flight makes the next run send it again. */
  async function expectResentAfterReset(store: StateStore, recordedTip: string): Promise<void> {
    repo.git('reset', '--quiet', '--hard', recordedTip);
    sim.clearRequests();
    assert.equal((await run(store)).ok, true);
    assert.deepEqual(
      sentBranches(sim).map((b) => [b.name, b.lastCommit.id]),
      [['main', recordedTip]],
    );
  }

  it('a send without a final answer leaves its record dirty: a branch moved back to the recorded tip is sent again', async () => {
    const store = new MemoryStateStore();
    assert.equal((await run(store)).ok, true);
    const recordedTip = repo.head();
    repo.commit('PROJ-1 second');
    sim.injectFault({ type: 'status', status: 503, method: 'POST', path: '/bulk', times: 2 }); // maxAttempts is 2
    const failed = await run(store);
    assert.deepEqual(
      failed.results[0]!.failed.map((f) => [f.id, f.reason, f.httpStatus, f.retryable]),
      [
        ['web/commit/' + repo.head(), 'gave-up', 503, true],
        ['web/branch/main', 'gave-up', 503, true],
      ],
    );
    assert.equal(recordsOf(store.snapshot(), 'devinfo')['web/branch/main']?.h, '', 'Jira may hold the new tip');

    await expectResentAfterReset(store, recordedTip);
  });

  it('write-ahead: a 202 that cannot be read leaves every member in flight, and the next run sends the branch again', async () => {
    const store = new MemoryStateStore();
    assert.equal((await run(store)).ok, true);
    const recordedTip = repo.head();
    repo.commit('PROJ-1 second');
    sim.injectFault({ type: 'status', status: 202, body: 'not the answer Jira gives', method: 'POST', path: '/devinfo/' });
    assert.equal((await run(store)).ok, false);
    const records = recordsOf(store.snapshot(), 'devinfo');
    assert.deepEqual(
      [records['web/branch/main']?.h, records[`web/commit/${repo.head()}`]?.h],
      ['', ''],
      'marked in flight before the request left, and left so',
    );
    await expectResentAfterReset(store, recordedTip);
  });

  it('a 202 that leaves a branch unlisted keeps it in flight: moved back to the recorded tip, it is sent again', async () => {
    const store = new MemoryStateStore();
    assert.equal((await run(store)).ok, true);
    const recordedTip = repo.head();
    const repositoryId = (devinfoPosts(sim)[0]!.body as { repositories: JiraRepository[] }).repositories[0]!.id;
    repo.commit('PROJ-1 second');
    // Jira may have stored the branch and left it out of its answer: only the commit is named.
    const body = { acceptedDevinfoEntities: { [repositoryId]: { commits: [repo.head()] } }, failedDevinfoEntities: {} };
    sim.injectFault({ type: 'status', status: 202, body, method: 'POST', path: '/devinfo/' });
    const partly = await run(store);
    assert.deepEqual(
      partly.results[0]!.failed.map((f) => [f.id, f.reason]),
      [['web/branch/main', 'unlisted']],
    );
    const records = recordsOf(store.snapshot(), 'devinfo');
    assert.equal(records['web/branch/main']?.h, '', 'Jira may hold the new tip');
    assert.notEqual(records[`web/commit/${repo.head()}`]?.h, '', 'the commit Jira named is recorded');

    await expectResentAfterReset(store, recordedTip);
  });

  it('saves state as batches land during a long run, and the store holds exactly what a later run needs', async () => {
    addBulkCommits(path.join(dir, 'web'));
    const memory = new MemoryStateStore();
    // Between saves, what lands is appended (the file store's journal): count what each append recorded as landed.
    const landedAt: Array<{ posts: number; landed: number }> = [];
    const store: StateStore = {
      load: memory.load,
      save: memory.save,
      checkWritable: memory.checkWritable,
      append: async (changes) => {
        const landed = changes.filter((c) => c.type === 'put' && c.record.h !== '').length;
        landedAt.push({ posts: devinfoPosts(sim).length, landed });
        await memory.append(changes);
      },
    };
    const report = await run(store, 0);
    assert.equal(report.ok, true);
    assert.ok(devinfoPosts(sim).length >= 2, 'the 451 commits need two requests');
    const first = landedAt.find((a) => a.landed > 0)!;
    assert.equal(first.posts, 1, 'what landed was written after the first request, before the second was sent');
    assert.ok(first.landed >= 400 && first.landed < 452, `first write: ${first.landed} records`);

    // The store was given every change (it applies only those): from it, a second run finds nothing to send.
    sim.clearRequests();
    const second = await run(memory);
    assert.deepEqual([second.results[0]!.unchanged, devinfoPosts(sim).length], [453, 0]);
  });
});
