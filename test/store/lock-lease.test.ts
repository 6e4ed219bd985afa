import { strict as assert } from 'node:assert';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import pino from 'pino';
import type { RunReport } from '../../src/reconcile/run';
import { runExclusively } from '../../src/store/exclusive-run';
import { fileBackend } from '../../src/store/file/file-backend';
import { LockFile } from '../../src/store/file/lock-file';
import type { LockAttempt, LockHolder } from '../../src/store/types';
import { tempDir } from '../helpers/flagd-fixtures';
import { killLockHolder, startLockHolder, type LockHolderProcess } from '../helpers/lock-holder';

// Short leases so the tests wait for one in real time, not a minute: the code takes them as options.
const LEASE = 300;
const HEARTBEAT = 40;

const okReport: RunReport<unknown> = { ok: true, dryRun: false, plan: { kind: 'featureflags', providers: [] }, results: [] };
const holder = (host: string): LockHolder => ({ host, pid: process.pid, since: new Date().toISOString() });
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const mark = (id: string) => ({ type: 'put', kind: 'featureflags', id, record: { h: id, s: 1, p: 'test' } }) as const;

/** A logger whose lines the test reads. */
function capturingLogger(): { logger: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { logger, lines };
}

/** Tries to take the lock every `everyMs` until it is taken or `ms` passed. */
async function acquireWithin(lock: { tryAcquire(me: LockHolder): Promise<LockAttempt> }, me: LockHolder, ms: number, everyMs = 20) {
  const deadline = Date.now() + ms;
  for (;;) {
    const attempt = await lock.tryAcquire(me);
    if (attempt.acquired || Date.now() > deadline) return attempt;
    await sleep(everyMs);
  }
}

/** The ids of the journal's lines, in order. */
async function journalIds(statePath: string): Promise<string[]> {
  const text = await readFile(`${statePath}.journal`, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .flatMap((l) => [...l.matchAll(/"id":"([^"]+)"/g)].map((m) => m[1]!));
}

describe('writer lock file: lease', function () {
  this.timeout(30_000);
  let dir: string;
  let statePath: string;
  let lockFile: string;
  const holders: LockHolderProcess[] = [];
  beforeEach(async () => {
    dir = await tempDir();
    statePath = path.join(dir, 'state.json');
    lockFile = `${statePath}.lock`;
  });
  afterEach(async () => {
    for (const h of holders.splice(0)) {
      h.child.kill('SIGCONT');
      await killLockHolder(h);
    }
    await rm(dir, { recursive: true, force: true });
  });

  it("takes over a killed holder's lock from another host (container) once its lease ran out, warning whose it was", async () => {
    const killed = await startLockHolder({ statePath, host: os.hostname(), leaseMs: LEASE, heartbeatMs: HEARTBEAT });
    holders.push(killed);
    await killLockHolder(killed);
    // As if it ran in another container: its host is not this one, so its pid cannot be checked from here.
    const left = JSON.parse(await readFile(lockFile, 'utf8')) as Record<string, unknown>;
    await writeFile(lockFile, JSON.stringify({ ...left, host: 'flagsync-7f9c2d' }));
    const rewrittenAt = Date.now();

    const { logger, lines } = capturingLogger();
    const result = await runExclusively(
      { backend: fileBackend(statePath, { leaseMs: LEASE, heartbeatMs: HEARTBEAT }), logger, waitMs: 10_000, pollMs: 20 },
      async () => okReport,
    );
    assert.equal(result.status, 'ran');
    assert.ok(Date.now() - rewrittenAt >= LEASE - 20, 'not before the lease ran out');
    const messages = lines.map((l) => String(l['msg']));
    assert.ok(
      messages.some((m) => m.startsWith('waiting for the writer lock') && m.includes('on host flagsync-7f9c2d')),
      messages.join('\n'),
    );
    assert.ok(
      messages.includes(`took over a stale writer lock: pid ${killed.pid} on host flagsync-7f9c2d since 2026-01-01T00:00:00.000Z is gone`),
      messages.join('\n'),
    );
  });

  it('leaves a holder on another host alone while it refreshes its lock (for leases on end); takes it over a lease after it was killed', async () => {
    const live = await startLockHolder({ statePath, host: 'flagsync-b2', leaseMs: LEASE, heartbeatMs: HEARTBEAT });
    holders.push(live);
    const taker = fileBackend(statePath, { leaseMs: LEASE, heartbeatMs: HEARTBEAT });
    const refused = await acquireWithin(taker.lock, holder('flagsync-c3'), 3 * LEASE);
    assert.equal(refused.acquired, false, 'a live holder is not taken over');
    assert.deepEqual(refused.acquired ? undefined : refused.holder, {
      host: 'flagsync-b2',
      pid: live.pid,
      since: '2026-01-01T00:00:00.000Z',
    });

    await killLockHolder(live);
    const killedAt = Date.now();
    const taken = await acquireWithin(taker.lock, holder('flagsync-c3'), 10_000);
    assert.ok(taken.acquired, 'taken over once its lease ran out');
    assert.ok(Date.now() - killedAt >= LEASE - HEARTBEAT - 20, 'not before');
    assert.equal(taken.tookOverFrom?.host, 'flagsync-b2');
    await taken.release();
  });

  it("keeps a long run's lock fresh: refreshed every heartbeat, never taken over, never lost", async () => {
    const backend = fileBackend(statePath, { leaseMs: LEASE, heartbeatMs: HEARTBEAT });
    const other = fileBackend(statePath, { leaseMs: LEASE, heartbeatMs: HEARTBEAT });
    const result = await runExclusively({ backend, logger: capturingLogger().logger }, async (lockLost) => {
      const stamps = new Set<number>();
      // Four leases long; another host keeps trying meanwhile.
      const until = Date.now() + 4 * LEASE;
      while (Date.now() < until) {
        stamps.add((await stat(lockFile)).mtimeMs);
        assert.equal((await other.lock.tryAcquire(holder('flagsync-other'))).acquired, false);
        await sleep(HEARTBEAT / 2);
      }
      assert.ok(stamps.size >= 8, `refreshed ${stamps.size - 1} times`);
      assert.equal(lockLost.aborted, false);
      await backend.state.append([mark('written-late')]);
      await backend.state.load(); // closes the journal
      return okReport;
    });
    assert.equal(result.status, 'ran');
    assert.deepEqual(await journalIds(statePath), ['written-late']);
  });

  it('a holder stopped (SIGSTOP) past its lease is taken over; resumed, it learns it and writes nothing more', async () => {
    const paused = await startLockHolder({ statePath, host: 'flagsync-d4', leaseMs: LEASE, heartbeatMs: HEARTBEAT });
    holders.push(paused);
    assert.equal((await paused.write()).event, 'wrote');
    paused.child.kill('SIGSTOP'); // a frozen VM, a paused container

    const successor = fileBackend(statePath, { leaseMs: LEASE, heartbeatMs: HEARTBEAT });
    const taken = await acquireWithin(successor.lock, holder('flagsync-e5'), 10_000);
    assert.ok(taken.acquired);
    assert.equal(taken.tookOverFrom?.host, 'flagsync-d4');
    await successor.state.append([mark('successor:1')]);

    paused.child.kill('SIGCONT');
    const answer = await paused.write();
    assert.equal(answer.event, 'write-refused');
    const expected = new RegExp(`writer lock .* was taken over by pid ${process.pid} on host flagsync-e5 .*this run writes no more state`);
    assert.match(answer.event === 'write-refused' ? answer.error : '', expected);
    const lost = await paused.next((e) => e.event === 'lost');
    assert.match(lost.event === 'lost' ? lost.reason : '', expected);
    await successor.state.append([mark('successor:2')]);
    await successor.state.load(); // closes the journal
    assert.deepEqual(
      await journalIds(statePath),
      ['holder:1', 'successor:1', 'successor:2'],
      'nothing of the old holder after the takeover',
    );
    await taken.release();
  });

  it('a holder whose lock was taken over has every write refused (journal, snapshot, run log) and its lost signal aborted', async () => {
    // Its heartbeat never runs in this test (as in a stalled process); the successor's clock is a lease ahead.
    const stalled = fileBackend(statePath, { heartbeatMs: 3_600_000 });
    const first = await stalled.lock.tryAcquire(holder('flagsync-a1'));
    assert.ok(first.acquired && first.lost !== undefined);
    await stalled.state.append([mark('before')]);
    const successor = fileBackend(statePath, { clock: () => Date.now() + 61_000 });
    const second = await successor.lock.tryAcquire(holder('flagsync-b1'));
    assert.ok(second.acquired, 'stale by its lease');
    assert.equal(second.tookOverFrom?.host, 'flagsync-a1');

    const refused = new RegExp(
      `was taken over by pid ${process.pid} on host flagsync-b1 since .*: another run may be writing, so this run writes no more state`,
    );
    await assert.rejects(stalled.state.append([mark('after')]), refused);
    assert.equal(first.lost.aborted, true);
    assert.match((first.lost.reason as Error).message, refused);
    await assert.rejects(stalled.state.save({ version: 1, entities: {} }, []), refused);
    await assert.rejects(stalled.runs.start('flagsync-a1:1', new Date().toISOString()), refused);
    assert.deepEqual(await journalIds(statePath), ['before']);
    await assert.rejects(stat(statePath), /ENOENT/, 'no snapshot written');

    await first.release();
    assert.match(await readFile(lockFile, 'utf8'), /flagsync-b1/, "the old holder's release leaves the successor's lock");
    await successor.state.append([mark('successor')]);
    await successor.state.load(); // closes the journal
    await second.release();
  });

  it('a lock removed under its holder (unlock --force) is lost: the next refresh says so', async () => {
    const backend = fileBackend(statePath, { leaseMs: LEASE, heartbeatMs: HEARTBEAT });
    const attempt = await backend.lock.tryAcquire(holder('flagsync-a1'));
    assert.ok(attempt.acquired && attempt.lost !== undefined);
    const lost = new Promise<Error>((resolve) => attempt.lost!.addEventListener('abort', () => resolve(attempt.lost!.reason as Error)));
    await rm(lockFile);
    assert.match((await lost).message, /writer lock .* was removed .*this run writes no more state/);
    await assert.rejects(backend.state.append([mark('after')]), /was removed/);
    await attempt.release();
  });

  it('a run that judged a lock stale finds it refreshed when it moves it aside, and puts it back', async () => {
    const backend = fileBackend(statePath, { leaseMs: LEASE, heartbeatMs: HEARTBEAT });
    const attempt = await backend.lock.tryAcquire(holder('flagsync-a1'));
    assert.ok(attempt.acquired);
    // The taker's clock is a lease ahead: the lock looks stale to it.
    const taker = new LockFile(lockFile, { clock: () => Date.now() + 61_000 });
    const judged = (await taker.read())!;
    assert.equal(taker.judge(judged, 'flagsync-b1'), 'expired');
    const deadline = Date.now() + 5_000;
    while ((await taker.read())!.refreshedMs === judged.refreshedMs) {
      assert.ok(Date.now() < deadline, 'the holder refreshes its lock');
      await sleep(5);
    }
    assert.equal(await taker.removeIfStill(judged), false);
    assert.equal(await readFile(lockFile, 'utf8'), judged.text, "the holder's lock is back");
    await backend.state.append([mark('still-held')]);
    await backend.state.load(); // closes the journal
    assert.equal(attempt.lost?.aborted, false);
    await attempt.release();
  });
});
