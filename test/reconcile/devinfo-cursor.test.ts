import { strict as assert } from 'node:assert';
import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import { createClient } from '../../src/cli/wiring';
import { loadConfig } from '../../src/config';
import { MAX_CURSOR_LENGTH, type DevCommit, type DevinfoReadContext, type DevinfoSnapshot } from '../../src/kit';
import { silentLogger } from '../../src/log';
import { devinfoReconcileKind } from '../../src/reconcile/devinfo-kind';
import { runOnce, type ProviderRuntime } from '../../src/reconcile/run';
import { startSimulator, type Simulator } from '../../src/simulator';
import { FileStateStore } from '../../src/store/file/file-state-store';
import { tempDir } from '../helpers/flagd-fixtures';
import { registryWithGit } from '../helpers/git-repo';
import { writeSyncConfig } from '../helpers/sync-config';

const commit = (n: number, timestamp = new Date(Date.UTC(2034, 0, n)).toISOString()): DevCommit => ({
  sha: n.toString(16).padStart(40, '0'),
  message: `PROJ-${n} work`,
  authorName: 'Ada Dev',
  authorEmail: 'ada@example.com',
  timestamp,
  filesChanged: 1,
  url: `https://git.example/acme/web/commit/${n}`,
  merge: false,
});

/**
 * A devinfo adapter of its own (no git): what it reads is set per run, and it records the cursor each read is
 * handed. It has `snapshotUnlessUnchanged` but no `isUnchanged`, which the contract allows.
 */
function scriptedProvider() {
  const received: (string | undefined)[] = [];
  let next: { commits: DevCommit[]; cursor: string } = { commits: [], cursor: '' };
  const snapshot = async (_signal: AbortSignal, read?: DevinfoReadContext): Promise<DevinfoSnapshot> => {
    received.push(read?.cursors.get('web'));
    const { commits, cursor } = next;
    return {
      repositories: [{ id: 'web', name: 'web', url: 'https://git.example/acme/web', branches: [], commits, cursor }],
      sourceFingerprint: cursor,
    };
  };
  const provider: ProviderRuntime = {
    name: 'code',
    source: {
      produces: 'devinfo',
      source: {
        snapshot,
        snapshotUnlessUnchanged: async (signal, accepted, read) =>
          accepted === next.cursor ? { unchanged: true, sourceFingerprint: accepted } : snapshot(signal, read),
      },
    },
    timeoutMs: 10_000,
    linking: {} as never,
    environmentTypes: new Map(),
  };
  return { provider, received, reads: (commits: DevCommit[], cursor: string) => void (next = { commits, cursor }) };
}

describe('devinfo: the cursor of a repository read, handed back to the next read', function () {
  this.timeout(30_000);
  let sim: Simulator;
  let dir: string;
  let store: FileStateStore;
  let scripted: ReturnType<typeof scriptedProvider>;
  let run: () => ReturnType<typeof runOnce>;

  beforeEach(async () => {
    sim = await startSimulator({});
    dir = await tempDir('flagsync-cursor-');
    const config = await loadConfig(
      await writeSyncConfig(dir, sim, [
        { name: 'code', adapter: 'git', repositories: [{ path: dir, name: 'web', url: 'https://git.example/acme/web' }] },
      ]),
      registryWithGit(),
    );
    store = new FileStateStore(path.join(dir, 'state.json'));
    scripted = scriptedProvider();
    run = () =>
      runOnce({
        providers: [scripted.provider],
        client: createClient(config, silentLogger),
        kind: devinfoReconcileKind,
        store,
        logger: silentLogger,
        massDeleteThreshold: 0.5,
        allowMassDelete: false,
        dryRun: false,
      });
  });
  afterEach(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reaches an adapter without isUnchanged when state has a summary (state is loaded before it is read)', async () => {
    scripted.reads([commit(1)], 'cursor-1');
    assert.equal((await run()).ok, true);
    assert.ok((await store.loadSummary?.()) !== undefined, 'the run left a summary');
    scripted.reads([commit(2)], 'cursor-2');
    assert.equal((await run()).ok, true);
    assert.deepEqual(scripted.received, [undefined, 'cursor-1']);
    assert.equal((await store.load()).repositories?.['web']?.c, 'cursor-2');
  });

  it('moves on past a commit held back for bad data of its own (it never changes), though the first sync waited for it', async () => {
    scripted.reads([commit(1)], 'cursor-1');
    assert.equal((await run()).ok, true);
    const firstSync = (await store.load()).repositories?.['web'];
    scripted.reads([commit(2), commit(3, '@9000000000000')], 'cursor-2');
    const second = await run();
    assert.equal(second.ok, true, JSON.stringify(second.results));
    assert.deepEqual((await store.load()).repositories?.['web'], { ...firstSync, c: 'cursor-2' });
    scripted.reads([commit(4)], 'cursor-3');
    await run();
    assert.deepEqual(scripted.received, [undefined, 'cursor-1', 'cursor-2']);
  });

  it("an adapter's cursor over the limit is dropped with a warning naming the repository; the read still goes", async () => {
    scripted.reads([commit(1)], 'x'.repeat(MAX_CURSOR_LENGTH + 1));
    const report = await run();
    assert.equal(report.ok, true, JSON.stringify(report.results));
    assert.ok(
      report.results[0]!.warnings.some((w) => /^repository web: its cursor \(2000001 characters\) is over 2000000, not kept/.test(w)),
      JSON.stringify(report.results[0]!.warnings),
    );
    assert.equal((await store.load()).repositories?.['web']?.c, undefined);
    assert.equal(sim.stored('devinfo').length > 0, true, 'its commits reached Jira');
  });

  it('stays where it was while Jira has not answered what was read since', async () => {
    scripted.reads([commit(1)], 'cursor-1');
    assert.equal((await run()).ok, true);
    sim.injectFault({ type: 'status', status: 503, method: 'POST', path: '/devinfo/', times: 20 });
    scripted.reads([commit(2)], 'cursor-2');
    assert.equal((await run()).ok, false);
    sim.clearFaults();
    scripted.reads([commit(3)], 'cursor-3');
    assert.equal((await run()).ok, true);
    assert.deepEqual(scripted.received, [undefined, 'cursor-1', 'cursor-1']);
  });
});
