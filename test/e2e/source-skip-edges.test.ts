import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { builtInRegistry } from '../../src/adapter-host/registry';
import { flagAdapter, registryWith } from '../helpers/flag-adapters';
import { syncOnce } from '../../src/cli/commands/sync';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/log';
import { startSimulator, type Simulator } from '../../src/simulator';
import { FileStateStore } from '../../src/store/file/file-state-store';
import { MemoryStateStore } from '../../src/reconcile/memory-state-store';
import { linkedFlags, tempDir, writeEnvironments } from '../helpers/flagd-fixtures';
import { flagdProvider, writeSyncConfig } from '../helpers/sync-config';
import { registryWithGit, TestRepo } from '../helpers/git-repo';
import { jsonPlan, jsonRunSummary, renderRunSummary } from '../../src/report';

/** Where skipping an unchanged source could go wrong: each case must end with Jira equal to the sources. */
describe('unchanged source skip: edges', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let dir: string;
  let configFile: string;
  const stateFile = () => path.join(dir, 'state.json');

  async function sync(
    options: { store?: FileStateStore | MemoryStateStore; dryRun?: boolean; allowMassDelete?: boolean } = {},
    git = false,
  ) {
    const config = await loadConfig(configFile, git ? registryWithGit() : builtInRegistry());
    return syncOnce(config, silentLogger, { dryRun: false, allowMassDelete: false, ...(options as object) });
  }

  /** A git repository in `dir/<folder>`: one commit per message, each after the first on its own new branch named by `branch`. */
  function repository(folder: string, commits: ReadonlyArray<readonly [branch: string | undefined, message: string]>): string {
    const repo = new TestRepo(path.join(dir, folder));
    for (const [branch, message] of commits) {
      if (branch !== undefined) repo.checkout(branch, true);
      repo.commit(message);
    }
    return path.join(dir, folder);
  }
  /** A git provider reading one repository, listed as `repo` (the Jira repository id). */
  const gitProvider = (name: string, repoPath: string, repo = 'web') => ({
    name,
    adapter: 'git',
    repositories: [{ path: repoPath, name: repo, url: `https://git.example/acme/${repo}` }],
  });

  beforeEach(async () => {
    sim = await startSimulator({});
    dir = await tempDir();
  });
  afterEach(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a provider removed from the config (its flags deleted), then added back with the same files, is read and sent again', async () => {
    const a = path.join(dir, 'a');
    await mkdir(a);
    await writeEnvironments(a, linkedFlags(4));
    const b = path.join(dir, 'b');
    await mkdir(b);
    await writeEnvironments(b, linkedFlags(2, 50));
    configFile = await writeSyncConfig(dir, sim, [flagdProvider('files', a), flagdProvider('other', b)]);
    await sync();
    assert.notEqual(sim.storedFlag('files:PROJ-1-flag'), undefined);
    // "files" leaves the config: its flags are deleted (confirmed).
    configFile = await writeSyncConfig(dir, sim, [flagdProvider('other', b)]);
    const removed = await sync({ allowMassDelete: true });
    assert.equal(removed.results.find((r) => r.provider === 'files')?.deleted, 4);
    assert.equal(sim.storedFlag('files:PROJ-1-flag'), undefined);
    // It comes back, files untouched.
    configFile = await writeSyncConfig(dir, sim, [flagdProvider('files', a), flagdProvider('other', b)]);
    const back = await sync();
    assert.equal(back.results.find((r) => r.provider === 'files')?.created, 4);
    assert.notEqual(sim.storedFlag('files:PROJ-1-flag'), undefined, 'Jira should hold the source flags again');
  });

  it("a run stopped (circuit breaker) before a provider's deletes records no source for it: the next run deletes", async () => {
    const a = path.join(dir, 'a');
    await mkdir(a);
    await writeEnvironments(a, linkedFlags(3));
    const b = path.join(dir, 'b');
    await mkdir(b);
    await writeEnvironments(b, linkedFlags(12, 50));
    configFile = await writeSyncConfig(dir, sim, [flagdProvider('first', a), flagdProvider('second', b)], {
      jira: { maxConsecutiveFailures: 1 },
    });
    await sync();
    // first changes (its send will fail and open the breaker); second loses one flag (a delete only).
    await writeEnvironments(
      a,
      linkedFlags(3).map((f) => ({ ...f, percent: 99 })),
    );
    await writeEnvironments(b, linkedFlags(11, 50));
    sim.injectFault({ type: 'status', status: 503, method: 'POST', path: '/bulk', times: 100 } as never);
    const stopped = await sync();
    assert.equal(stopped.ok, false);
    assert.ok(stopped.stopped !== undefined, 'the breaker stopped the run');
    assert.deepEqual(
      stopped.results.find((r) => r.provider === 'second')?.failed.map((f) => [f.id, f.reason]),
      [['second:PROJ-61-flag', 'aborted']],
      'the delete never sent counts as not sent',
    );
    sim.clearFaults();
    await sync();
    assert.equal(sim.storedFlag('second:PROJ-61-flag'), undefined, 'the flag that left the source must be deleted in Jira');
  });

  it('two devinfo providers listing one repository: the later in config order fails, also when both are unchanged', async () => {
    const a = repository('a', [
      [undefined, 'PROJ-1 first'],
      ['PROJ-2-a', 'PROJ-2 a'],
    ]);
    const b = repository('b', [
      [undefined, 'PROJ-3 other'],
      ['PROJ-4-b', 'PROJ-4 b'],
    ]);
    // Both list repository id "web".
    configFile = await writeSyncConfig(dir, sim, [gitProvider('A', a), gitProvider('B', b)]);
    await sync({}, true);
    configFile = await writeSyncConfig(dir, sim, [gitProvider('B', b), gitProvider('A', a)]);
    await sync({}, true);
    const fast = await sync({}, true);
    assert.equal(fast.results.find((r) => r.provider === 'A')?.ok, false, 'A is now the later of the two');
    // The full path for the same state: a store without a summary.
    const store = new FileStateStore(stateFile());
    const full = await sync({ store: Object.assign(Object.create(store), { loadSummary: undefined }) as FileStateStore }, true);
    assert.equal(fast.ok, full.ok, 'fast and full path disagree');
  });

  it('a git provider removed (its branches deleted), then added back with the same tips, is read and sent again', async () => {
    const a = repository('a', [
      [undefined, 'PROJ-1 first'],
      ['PROJ-2-a', 'PROJ-2 a'],
    ]);
    const b = repository('b', [[undefined, 'PROJ-3 other']]);
    const both = [gitProvider('code', a), gitProvider('other', b, 'api')];
    configFile = await writeSyncConfig(dir, sim, both);
    await sync({}, true);
    const branches = () =>
      ((sim.stored('devinfo') as unknown as { id: string; branches?: unknown[] }[]).find((r) => r.id === 'web')?.branches ?? []).length;
    configFile = await writeSyncConfig(dir, sim, [both[1]!]);
    await sync({ allowMassDelete: true }, true);
    assert.equal(branches(), 0);
    configFile = await writeSyncConfig(dir, sim, both);
    await sync({}, true);
    assert.ok(branches() > 0, 'branches of the re-added provider must be in Jira');
  });

  it('an unchanged devinfo provider keeps a repository with nothing linked: another provider listing it still fails', async () => {
    const a = repository('a', [[undefined, 'no key here']]);
    const b = repository('b', [
      [undefined, 'PROJ-3 other'],
      ['PROJ-4-b', 'PROJ-4 b'],
    ]);
    configFile = await writeSyncConfig(dir, sim, [gitProvider('A', a), gitProvider('B', b)]);
    await sync({}, true);
    const r2 = await sync({}, true);
    assert.equal(r2.results[1]!.ok, false, 'B lists repository web, which A (earlier in config) lists');
  });

  it('a run ended from the summary reports what the full path reports (flags with unlinked ones, devinfo)', async () => {
    const a = path.join(dir, 'a');
    await mkdir(a);
    await writeEnvironments(a, [...linkedFlags(4), { key: 'nokey', percent: 3 }]);
    const repoA = new TestRepo(path.join(dir, 'g'));
    repoA.commit('PROJ-1 first');
    configFile = await writeSyncConfig(dir, sim, [
      flagdProvider('files', a),
      { name: 'code', adapter: 'git', repositories: [{ path: path.join(dir, 'g'), name: 'web', url: 'https://git.example/acme/web' }] },
    ]);
    await sync({}, true);
    const fullStore = () => Object.assign(Object.create(new FileStateStore(stateFile())), { loadSummary: undefined }) as FileStateStore;
    for (const dryRun of [false, true]) {
      const fast = await sync({ dryRun }, true);
      const full = await sync({ dryRun, store: fullStore() }, true);
      assert.deepEqual(jsonRunSummary(fast), jsonRunSummary(full));
      assert.equal(renderRunSummary(fast), renderRunSummary(full));
      assert.deepEqual(jsonPlan(fast.plan), jsonPlan(full.plan));
      assert.deepEqual(fast.plan, full.plan);
      assert.equal(fast.ok, full.ok);
    }
  });

  it('devinfo in two rounds (> 400 branches) stopped during the first: the next run sends the rest', async () => {
    const repo = new TestRepo(path.join(dir, 'g'));
    repo.commit('PROJ-1 first');
    const head = repo.head();
    const lines = Array.from({ length: 450 }, (_, i) => `create refs/heads/PROJ-${i + 2}-b ${head}`).join('\n') + '\n';
    execFileSync('git', ['update-ref', '--stdin'], { cwd: path.join(dir, 'g'), input: lines });
    configFile = await writeSyncConfig(
      dir,
      sim,
      [{ name: 'code', adapter: 'git', repositories: [{ path: path.join(dir, 'g'), name: 'web', url: 'https://git.example/acme/web' }] }],
      { sync: { runTimeoutSeconds: 1 } },
    );
    sim.injectFault({ type: 'delay', ms: 1500, method: 'POST', path: '/devinfo/', times: 1 } as never);
    const first = await sync({}, true);
    assert.equal(first.ok, false, 'the run timeout stopped it');
    assert.ok(first.results[0]!.failed.length >= 51, 'the round never sent counts as not sent');
    assert.ok(first.results[0]!.failed.every((f) => f.reason === 'aborted'));
    sim.clearFaults();
    await sync({}, true);
    const sent = new Set(
      sim.requests
        .filter((r) => r.method === 'POST' && r.path.includes('/devinfo/') && r.status === 202)
        .flatMap((r) =>
          (r.body as { repositories: { branches?: { name: string }[] }[] }).repositories.flatMap((x) =>
            (x.branches ?? []).map((b) => b.name),
          ),
        ),
    );
    assert.equal(sent.size, 451);
  });
  it('an adapter with isUnchanged but no snapshotUnlessUnchanged (against the contract) is read, not taken at its word', async () => {
    let enabled = true;
    const factory = flagAdapter('checks-only', (context) => ({
      environments: ['production'],
      // Always "unchanged": a check with no skip of its own to stand for.
      isUnchanged: () => Promise.resolve(true),
      snapshot: () =>
        Promise.resolve({
          sourceFingerprint: `v-${enabled}`,
          flags: [
            {
              provider: context.providerName,
              key: 'PROJ-7-banner',
              tags: [],
              issueKeys: [],
              url: 'https://flags.example/banner',
              environments: [{ name: 'production', enabled }],
            },
          ],
        }),
    }));
    const registry = registryWith({ 'checks-only': factory });
    configFile = await writeSyncConfig(dir, sim, [{ name: 'own', adapter: 'checks-only', environments: [{ name: 'production' }] }]);
    const run = async () => syncOnce(await loadConfig(configFile, registry), silentLogger, { dryRun: false, allowMassDelete: false });
    await run();
    await run(); // a summary now sits beside the state
    enabled = false;
    const report = await run();
    assert.equal(report.results[0]?.updated, 1, 'the change was read and sent');
    const stored = sim.storedFlag('own:PROJ-7-banner') as { details: { status: { enabled: boolean } }[] };
    assert.equal(stored.details[0]?.status.enabled, false);
  });
});
