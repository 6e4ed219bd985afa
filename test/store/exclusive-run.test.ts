import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { registerSecret, silentLogger } from '../../src/log';
import type { RunReport } from '../../src/reconcile/run';
import { runExclusively } from '../../src/store/exclusive-run';
import { fileBackend } from '../../src/store/file/file-backend';
import type { StateBackend } from '../../src/store/types';
import { tempDir } from '../helpers/flagd-fixtures';
import { providerResult } from '../helpers/provider-result';

const okReport: RunReport<unknown> = { ok: true, dryRun: false, plan: { kind: 'featureflags', providers: [] }, results: [] };
const failedReport: RunReport<unknown> = {
  ok: false,
  dryRun: false,
  plan: { kind: 'featureflags', providers: [] },
  results: [providerResult('files', { ok: false, error: 'cannot read production.flagd.json', seen: 0 })],
};

describe('runExclusively', () => {
  let dir: string;
  let backend: StateBackend;
  beforeEach(async () => {
    dir = await tempDir();
    backend = fileBackend(path.join(dir, 'state.json'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('keeps secrets out of the run log (served by /readyz, read by status in processes that know none of them)', async () => {
    const secret = 'proxy-pa55-run-log-7f3a';
    registerSecret(secret);
    const leaking: RunReport<unknown> = {
      ...failedReport,
      results: [providerResult('flags', { ok: false, error: `no answer from https://flagsync:${secret}@unleash.example/api`, seen: 0 })],
    };
    await runExclusively({ backend, logger: silentLogger }, async () => leaking);
    await assert.rejects(
      runExclusively({ backend, logger: silentLogger }, async () => {
        throw new Error(`cannot reach https://flagsync:${secret}@unleash.example/api`);
      }),
    );
    const runs = await backend.runs.recent(5);
    const text = JSON.stringify(runs);
    assert.ok(!text.includes(secret), text);
    assert.equal(runs.filter((r) => (r.reason ?? '').includes('[REDACTED]')).length, 2);
  });

  it("hands the body the lock's lost signal: a lock lost mid-run aborts what the body runs under", async () => {
    const lost = new AbortController();
    const fileLock = backend.lock;
    const withLoss: StateBackend = {
      ...backend,
      lock: {
        tryAcquire: async (me) => {
          const attempt = await fileLock.tryAcquire(me);
          return attempt.acquired ? { ...attempt, lost: lost.signal } : attempt;
        },
      },
    };
    const result = await runExclusively({ backend: withLoss, logger: silentLogger }, async (lockLost) => {
      assert.equal(lockLost.aborted, false);
      lost.abort(new Error('session ended'));
      assert.equal(lockLost.aborted, true);
      return okReport;
    });
    assert.equal(result.status, 'ran');
  });

  it('gives the body a signal that never aborts when the lock cannot be lost (the lock file)', async () => {
    await runExclusively({ backend, logger: silentLogger }, async (lockLost) => {
      assert.equal(lockLost.aborted, false);
      return okReport;
    });
  });

  it('records the run (start, end, outcome, per-provider counts) in the run log', async () => {
    const result = await runExclusively({ backend, logger: silentLogger }, async () => failedReport);
    assert.equal(result.status, 'ran');
    const [run] = await backend.runs.recent(5);
    assert.equal(run?.outcome, 'failed');
    assert.equal(run?.reason, 'files: cannot read production.flagd.json');
    assert.ok(run?.endedAt !== undefined && Date.parse(run.endedAt) >= Date.parse(run.startedAt));
    assert.deepEqual(run?.providers?.[0], {
      provider: 'files',
      ok: false,
      error: 'cannot read production.flagd.json',
      created: 0,
      updated: 0,
      deleted: 0,
      rejected: 0,
      failed: 0,
      deletesRefused: 0,
    });
  });

  it('a run that throws is recorded as an error and the lock is released', async () => {
    await assert.rejects(
      runExclusively({ backend, logger: silentLogger }, async () => {
        throw new Error('state file is not valid JSON');
      }),
      /not valid JSON/,
    );
    const [run] = await backend.runs.recent(1);
    assert.equal(run?.outcome, 'error');
    assert.equal(run?.reason, 'state file is not valid JSON');
    assert.equal((await runExclusively({ backend, logger: silentLogger }, async () => okReport)).status, 'ran');
  });

  it('says how to clear a lock from another host held for longer than any run lasts, and only then', async () => {
    const lockFile = path.join(dir, 'state.json.lock');
    const hour = 3_600_000;
    const now = new Date('2026-11-30T12:00:00Z');
    const lockedBy = async (since: Date) => {
      // Another container's lock: its host is not this one, so its process cannot be checked from here.
      await writeFile(lockFile, JSON.stringify({ host: 'flagsync-7d9f-killed', pid: 7, since: since.toISOString() }));
      return runExclusively({ backend, logger: silentLogger, longestRunMs: hour, now: () => now }, async () => okReport);
    };
    const old = await lockedBy(new Date(now.getTime() - 3 * hour));
    assert.equal(old.status, 'locked');
    assert.equal(old.status === 'locked' && old.leftBehind, true);
    assert.match(
      old.status === 'locked' ? old.message : '',
      new RegExp(
        `pid 7 on host flagsync-7d9f-killed since 2026-11-30T09:00:00.000Z; it has been held for 180 min, longer than a run ` +
          `can last; if nothing of flagsync runs on host flagsync-7d9f-killed any more \\(a container killed mid-run\\), ` +
          `remove ${lockFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`,
      ),
    );
    // A run that may still be going: no hint, the lock stands.
    const recent = await lockedBy(new Date(now.getTime() - hour / 2));
    assert.equal(recent.status, 'locked');
    assert.equal(recent.status === 'locked' && recent.leftBehind, undefined);
    assert.doesNotMatch(recent.status === 'locked' ? recent.message : '', /remove/);
    assert.ok(existsSync(lockFile), 'the lock is never removed by a run');
  });

  it('refuses while another holds the lock, and waits for it with waitMs', async () => {
    let finish: () => void = () => undefined;
    const first = runExclusively(
      { backend, logger: silentLogger },
      () => new Promise<RunReport<unknown>>((resolve) => (finish = () => resolve(okReport))),
    );
    await new Promise((r) => setTimeout(r, 50));
    const refused = await runExclusively({ backend, logger: silentLogger }, async () => okReport);
    assert.equal(refused.status, 'locked');
    assert.match(
      refused.status === 'locked' ? refused.message : '',
      /another run holds the writer lock \(state file .*\): pid \d+ on host/,
    );
    let ran = false;
    const waiting = runExclusively({ backend, logger: silentLogger, waitMs: 10_000, pollMs: 20 }, async () => {
      ran = true;
      return okReport;
    });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(ran, false);
    finish();
    await first;
    assert.equal((await waiting).status, 'ran');
    assert.equal(ran, true);
  });

  it('waits for the lock with tries further and further apart (maxPollMs), so a long wait opens few connections', async () => {
    let finish: () => void = () => undefined;
    const first = runExclusively(
      { backend, logger: silentLogger },
      () => new Promise<RunReport<unknown>>((resolve) => (finish = () => resolve(okReport))),
    );
    await new Promise((r) => setTimeout(r, 20));
    const tries: number[] = [];
    const counting: StateBackend = {
      ...backend,
      lock: { tryAcquire: (me) => (tries.push(Date.now()), backend.lock.tryAcquire(me)) },
    };
    const waiting = runExclusively(
      { backend: counting, logger: silentLogger, waitMs: 10_000, pollMs: 10, maxPollMs: 160 },
      async () => okReport,
    );
    await new Promise((r) => setTimeout(r, 1000));
    finish();
    await first;
    assert.equal((await waiting).status, 'ran');
    // 10, 20, 40, 80, 160, 160, ... ms apart: about 10 tries in a second, where 10 ms apart made about 100.
    assert.ok(tries.length >= 6 && tries.length <= 14, `${tries.length} tries`);
    const gaps = tries.slice(1).map((t, i) => t - tries[i]!);
    assert.ok(
      gaps.slice(-3).every((gap) => gap >= 150),
      `the last gaps ${gaps.slice(-3).join(', ')} ms`,
    );
  });

  it('a stop while waiting for the lock does not start the run, even when the lock has just come free', async () => {
    let finish: () => void = () => undefined;
    const first = runExclusively(
      { backend, logger: silentLogger },
      () => new Promise<RunReport<unknown>>((resolve) => (finish = () => resolve(okReport))),
    );
    await new Promise((r) => setTimeout(r, 20));
    const stop = new AbortController();
    let ran = false;
    const waiting = runExclusively({ backend, logger: silentLogger, waitMs: 10_000, pollMs: 1000, signal: stop.signal }, async () => {
      ran = true;
      return okReport;
    });
    await new Promise((r) => setTimeout(r, 20));
    finish();
    await first;
    stop.abort(new Error('SIGTERM'));
    assert.equal((await waiting).status, 'locked');
    assert.equal(ran, false);
    assert.equal((await backend.runs.recent(5)).length, 1);
  });

  it('skips a schedule slot another replica already synced, however fast that run was', async () => {
    const slot = new Date(Date.now() - 1000);
    assert.equal((await runExclusively({ backend, logger: silentLogger, slot }, async () => okReport)).status, 'ran');
    let ran = false;
    const second = await runExclusively({ backend, logger: silentLogger, slot }, async () => {
      ran = true;
      return okReport;
    });
    assert.equal(second.status, 'done-this-slot');
    assert.equal(ran, false);
    assert.match(second.status === 'done-this-slot' ? second.message : '', /was already synced by \S+:\d+ at /);
    const next = new Date(Date.now() + 1);
    await new Promise((r) => setTimeout(r, 5));
    assert.equal((await runExclusively({ backend, logger: silentLogger, slot: next }, async () => okReport)).status, 'ran');
  });

  it('ends a run whose process died before recording its end (it read as running for ever) once the next run holds the lock', async () => {
    const gone = await backend.runs.start('gone-host:1', '2026-11-30T06:00:00.000Z');
    assert.equal((await runExclusively({ backend, logger: silentLogger }, async () => okReport)).status, 'ran');
    const [latest, dead] = await backend.runs.recent(2);
    assert.equal(latest?.outcome, 'ok');
    assert.deepEqual([dead?.id, dead?.outcome], [gone, 'error']);
    assert.match(dead?.reason ?? '', /^interrupted: its process ended before the run did \(killed, out of memory\); found by \S+:\d+$/);
    assert.ok(dead?.endedAt !== undefined);
  });

  it("finds the slot's full sync past a streak of watch syncs (more than a look-back's worth), so it is not synced twice", async () => {
    const slot = new Date(Date.now() - 1000);
    assert.equal((await runExclusively({ backend, logger: silentLogger, slot }, async () => okReport)).status, 'ran');
    for (let i = 0; i < 25; i++) {
      const id = await backend.runs.start('pod-a:1', new Date().toISOString(), 'files');
      await backend.runs.finish(id, { endedAt: new Date().toISOString(), outcome: 'ok' });
    }
    assert.equal((await runExclusively({ backend, logger: silentLogger, slot }, async () => okReport)).status, 'done-this-slot');
  });

  it('a run its process stopped part-way (a rollout, a drain), or one whose process died, does not stand for the slot', async () => {
    const slot = new Date(Date.now() - 1000);
    const stop = new AbortController();
    const stopped = await runExclusively({ backend, logger: silentLogger, slot, signal: stop.signal }, async () => {
      stop.abort(new Error('stopping'));
      return { ...failedReport, stopped: 'stopping' };
    });
    assert.equal(stopped.status, 'ran');
    const [interrupted] = await backend.runs.recent(1);
    assert.match(interrupted?.reason ?? '', /^interrupted: the process was stopping; stopped early: stopping/);
    // The replica that starts next syncs the slot.
    assert.equal((await runExclusively({ backend, logger: silentLogger, slot }, async () => okReport)).status, 'ran');
    assert.equal((await runExclusively({ backend, logger: silentLogger, slot }, async () => okReport)).status, 'done-this-slot');
    // A run recorded as started but never ended (its process was killed): not the slot's sync either.
    const later = new Date(Date.now() + 1);
    await new Promise((r) => setTimeout(r, 5));
    await backend.runs.start('gone-host:1', new Date().toISOString());
    assert.equal((await runExclusively({ backend, logger: silentLogger, slot: later }, async () => okReport)).status, 'ran');
    // A run that failed on its own still stands for its slot: another replica would only fail again.
    const third = new Date(Date.now() + 1);
    await new Promise((r) => setTimeout(r, 5));
    assert.equal((await runExclusively({ backend, logger: silentLogger, slot: third }, async () => failedReport)).status, 'ran');
    assert.equal((await runExclusively({ backend, logger: silentLogger, slot: third }, async () => okReport)).status, 'done-this-slot');
  });

  it("a scoped run (a watch sync, --provider) in the slot does not stand for the slot's full sync, only for its own scope", async () => {
    const slot = new Date(Date.now() - 1000);
    const run = (scope?: string) =>
      runExclusively({ backend, logger: silentLogger, slot, ...(scope === undefined ? {} : { scope }) }, async () => okReport);
    // A watch sync of one provider after the slot began: the full tick still runs.
    assert.equal((await runExclusively({ backend, logger: silentLogger, scope: 'flags' }, async () => okReport)).status, 'ran');
    assert.equal((await run()).status, 'ran');
    // The full run stands for every scope's tick in that slot; a scoped tick stands for its own scope only.
    assert.equal((await run('flags')).status, 'done-this-slot');
    const [last] = await backend.runs.recent(1);
    assert.equal(last?.scope, undefined);
    const runs = await backend.runs.recent(5);
    assert.deepEqual(
      runs.map((r) => r.scope ?? '(all)'),
      ['(all)', 'flags'],
    );
  });
});
