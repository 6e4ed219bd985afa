import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { readFile, rm, utimes, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSimulator, type Simulator } from '../../src/simulator';
import { postgresBackend } from '../../src/store/postgres/pg-backend';
import { runCli, startCli, waitFor } from '../helpers/cli';
import { linkedFlags, tempDir, writeEnvironments } from '../helpers/flagd-fixtures';
import { killLockHolder, startLockHolder, type LockHolderProcess } from '../helpers/lock-holder';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres';
import { flagdProvider, writeSyncConfig } from '../helpers/sync-config';

describe('flagsync state unlock', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let dir: string;
  let statePath: string;
  let lockFile: string;
  let config: string;
  const holders: LockHolderProcess[] = [];

  beforeEach(async () => {
    sim = await startSimulator({});
    dir = await tempDir();
    statePath = path.join(dir, 'state.json');
    lockFile = `${statePath}.lock`;
    config = await writeSyncConfig(dir, sim, []);
  });
  afterEach(async () => {
    for (const h of holders.splice(0)) await killLockHolder(h);
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** A holder on `host` that keeps its lock fresh (the CLI judges with the real 60 s lease). */
  async function holding(host: string): Promise<LockHolderProcess> {
    const h = await startLockHolder({ statePath, host, leaseMs: 60_000, heartbeatMs: 40 });
    holders.push(h);
    return h;
  }

  it('with no lock says so and exits 0', async () => {
    const result = await runCli(['state', 'unlock', '--config', config]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^no writer lock at .*state\.json\.lock: nothing to unlock$/m);
  });

  it('removes the lock of a run killed in another container, naming it and its last refresh', async () => {
    const killed = await holding(os.hostname());
    await killLockHolder(killed);
    const left = JSON.parse(await readFile(lockFile, 'utf8')) as Record<string, unknown>;
    await writeFile(lockFile, JSON.stringify({ ...left, host: 'flagsync-7f9c2d' }));
    // Its last refresh two minutes ago (as the filesystem stamped it).
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    await utimes(lockFile, twoMinutesAgo, twoMinutesAgo);

    const result = await runCli(['state', 'unlock', '--config', config]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      new RegExp(
        `writer lock .*state\\.json\\.lock: held by pid ${killed.pid} on host flagsync-7f9c2d since 2026-01-01T00:00:00.000Z; ` +
          `last refreshed ${twoMinutesAgo.toISOString().slice(0, 16)}.* \\(12\\d s ago\\)`,
      ),
    );
    assert.match(
      result.stdout,
      /removed the stale writer lock: not refreshed for 12\d s \(a running flagsync refreshes it every 10 s; one not refreshed for 60 s is stale\)/,
    );
    assert.equal(existsSync(lockFile), false);
  });

  it('removes at once the lock of a run killed on this host (its process is gone)', async () => {
    const killed = await holding(os.hostname());
    await killLockHolder(killed);
    const result = await runCli(['state', 'unlock', '--config', config]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`removed the stale writer lock: its process \\(pid ${killed.pid}\\) is gone from this host`));
    assert.equal(existsSync(lockFile), false);
  });

  it('refuses a live lock (refreshed within its lease) and leaves it to its holder', async () => {
    const live = await holding('flagsync-b2');
    const before = await readFile(lockFile, 'utf8');
    const result = await runCli(['state', 'unlock', '--config', config]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, new RegExp(`held by pid ${live.pid} on host flagsync-b2 since .*; last refreshed .* \\(\\d s ago\\)`));
    assert.match(
      result.stderr,
      /flagsync: state unlock: the lock is live: refreshed within its lease \(.*\)\. Stop its holder, or wait: .*--force removes it anyway/,
    );
    assert.equal(await readFile(lockFile, 'utf8'), before);
    assert.equal((await live.write()).event, 'wrote', 'its holder goes on');
  });

  it('--force removes a live lock; its holder learns it lost the lock and writes no more', async () => {
    const live = await holding('flagsync-b2');
    const result = await runCli(['state', 'unlock', '--force', '--config', config]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /removed the live writer lock \(--force\): a holder still running stops writing state when it notices/);
    assert.equal(existsSync(lockFile), false);
    const lost = await live.next((e) => e.event === 'lost');
    assert.match(lost.event === 'lost' ? lost.reason : '', /writer lock .* was removed/);
    const answer = await live.write();
    assert.equal(answer.event, 'write-refused');
  });
});

describe('a run whose writer lock is removed under it (state unlock --force)', function () {
  this.timeout(60_000);
  it('writes no state after the loss and exits 1 saying why', async () => {
    const sim = await startSimulator({});
    const dir = await tempDir();
    try {
      await writeEnvironments(dir, linkedFlags(3));
      const config = await writeSyncConfig(dir, sim, [flagdProvider('files', dir)]);
      const statePath = path.join(dir, 'state.json');
      sim.injectFault({ type: 'delay', ms: 3_000, path: '/bulk' });
      const run = startCli(['run', '--once', '--config', config]);
      // The batch's marks are written (the lock checked) before it leaves; Jira then takes 3 s to answer.
      await waitFor(() => existsSync(`${statePath}.journal`), 30_000, 'the run to mark its batch in flight');
      const journal = await readFile(`${statePath}.journal`, 'utf8');
      const unlock = await runCli(['state', 'unlock', '--force', '--config', config]);
      assert.equal(unlock.code, 0, unlock.stderr);
      const result = await run.done;
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, /state cannot be written, so the run stopped sending: this run's writer lock .* was removed/);
      assert.equal(existsSync(statePath), false, 'no snapshot saved after the loss');
      assert.equal(await readFile(`${statePath}.journal`, 'utf8'), journal, 'nothing appended after the loss');
      assert.equal(existsSync(`${statePath}.lock`), false);
    } finally {
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('flagsync state unlock (postgres store)', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let dir: string;
  let db: TestDatabase;
  let config: string;

  beforeEach(async () => {
    sim = await startSimulator({});
    dir = await tempDir();
    db = await createTestDatabase();
    config = await writeSyncConfig(dir, sim, [], { state: { store: 'postgres', url: db.url, path: path.join(dir, 'state.json') } });
  });
  afterEach(async () => {
    await sim.close();
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('explains that the advisory lock ends with its session: nothing to remove', async () => {
    const result = await runCli(['state', 'unlock', '--config', config]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /advisory lock, which ends with its holder's session .*nothing to remove\. No session holds it now\./);
  });

  it('names the session holding it and how to end it, and exits 1', async () => {
    const backend = postgresBackend(db.url);
    try {
      const lock = await backend.lock.tryAcquire({ host: 'replica-a', pid: 4242, since: '2026-11-29T10:00:00.000Z' });
      assert.ok(lock.acquired);
      const result = await runCli(['state', 'unlock', '--force', '--config', config]);
      assert.equal(result.code, 1);
      assert.match(
        result.stderr,
        /nothing to remove\. It is held now by session (\d+) \(pid 4242 on host replica-a since 2026-11-29T10:00:00.000Z\), application "flagsync writer replica-a:4242".*SELECT pg_terminate_backend\(\1\)/,
      );
      await lock.release();
    } finally {
      await backend.close();
    }
  });
});
