import { redact, type Logger } from '../log';
import { resultOk } from '../reconcile/apply';
import type { RunReport } from '../reconcile/run';
import { describeHolder, replicaName, thisProcess } from './holder';
import type { LockAttempt, LockHolder, RunEnd, RunProviderSummary, RunRecord, StateBackend } from './types';
import { isUnwritable } from './unwritable';

export interface ExclusiveRunOptions {
  readonly backend: StateBackend;
  readonly logger: Logger;
  /** How long to wait for the writer lock (0: give up at once). */
  readonly waitMs?: number;
  /** How long to wait before trying again, the first time. */
  readonly pollMs?: number;
  /**
   * Each later wait doubles, up to this (default: pollMs, no backoff). Every try of the postgres store's lock opens
   * a connection, which is a server process: a watch sync trying every 100 ms behind a long run made ten a second.
   */
  readonly maxPollMs?: number;
  readonly signal?: AbortSignal;
  /**
   * The schedule slot this run is for (a daemon's tick). When any replica's run started at or after it, this one
   * is skipped: replicas sharing a store sync once per tick, however fast the first one was.
   */
  readonly slot?: Date;
  /**
   * The one provider this run syncs (`--provider`, a watch sync). A scoped run stands for a slot's sync only to
   * runs of the same scope: a watch sync of one provider does not make a full tick skip the others.
   */
  readonly scope?: string;
  /**
   * No run lasts longer (the run timeout plus the shutdown's grace): a lock held for longer was likely left behind by
   * a holder that is gone, and the message says how to clear it (WriterLock.leftBehindHint).
   */
  readonly longestRunMs?: number;
  readonly now?: () => Date;
}

/** How many of the newest runs a slot check looks through for one that stands for the slot. */
const SLOT_LOOKBACK = 20;

/** A function, so a check after an await is not narrowed away by one made before it. */
const stopping = (signal: AbortSignal | undefined): boolean => signal?.aborted === true;

/** How the run log's reason starts for a run that did not get to its end: its process stopped it, or died. */
const INTERRUPTED_PREFIX = 'interrupted: ';
/** A run its process stopped (a signal, the daemon stopping). */
const INTERRUPTED = `${INTERRUPTED_PREFIX}the process was stopping; `;

/**
 * Whether a run in a slot means the slot was synced: not one that was interrupted (its process stopped it part-way,
 * or died: its reason says so), nor one still "running" now that this process holds the writer lock. A run that failed
 * on its own counts: another replica retrying it in the same slot would only double the load on what failed.
 */
function standsForItsSlot(run: RunRecord): boolean {
  return run.outcome !== 'running' && !wasInterrupted(run);
}

/** A run that did not get to its end (its process stopped or died): it says nothing of how syncing goes. */
export function wasInterrupted(run: RunRecord): boolean {
  return run.outcome !== 'ok' && run.reason?.startsWith(INTERRUPTED_PREFIX) === true;
}

export type ExclusiveRunResult =
  | { readonly status: 'ran'; readonly report: RunReport<unknown> }
  | {
      readonly status: 'locked';
      readonly holder?: LockHolder;
      readonly message: string;
      /** Held for longer than any run lasts: its holder is likely gone (the message says what to do). */
      readonly leftBehind?: boolean;
    }
  | { readonly status: 'done-this-slot'; readonly by: RunRecord; readonly message: string }
  /** The store cannot be written (a full disk, a read-only folder): nothing was sent. */
  | { readonly status: 'unwritable'; readonly message: string };

export function summarizeProviders(report: RunReport<unknown>): RunProviderSummary[] {
  return report.results.map((r) => ({
    provider: r.provider,
    ok: resultOk(r),
    ...(r.error === undefined ? {} : { error: r.error }),
    created: r.created,
    updated: r.updated,
    deleted: r.deleted,
    rejected: r.rejected.length,
    failed: r.failed.length,
    deletesRefused: r.deletesRefused,
  }));
}

/** One line saying why a run did not succeed, for the run log, /readyz and the error log. */
export function failureReason(report: RunReport<unknown>): string | undefined {
  if (report.ok) return undefined;
  const parts = summarizeProviders(report)
    .filter((p) => !p.ok)
    .map((p) => {
      if (p.error !== undefined) return `${p.provider}: ${p.error}`;
      const what = [
        p.rejected > 0 ? `${p.rejected} rejected` : '',
        p.failed > 0 ? `${p.failed} failed` : '',
        p.deletesRefused > 0 ? `${p.deletesRefused} deletes held back by the mass-delete guard` : '',
      ].filter((s) => s !== '');
      return `${p.provider}: ${what.join(', ')}`;
    });
  const all = report.stopped === undefined ? parts : [`stopped early: ${report.stopped}`, ...parts];
  return all.length > 0 ? all.join('; ') : 'the run did not finish';
}

/** The hint for a lock held longer than any run lasts, when its store can say what to do about it. */
function leftBehindHint(
  backend: StateBackend,
  holder: LockHolder | undefined,
  now: Date,
  longestRunMs: number | undefined,
): string | undefined {
  if (holder === undefined || longestRunMs === undefined || backend.lock.leftBehindHint === undefined) return undefined;
  const heldMs = now.getTime() - Date.parse(holder.since);
  if (!(heldMs > longestRunMs)) return undefined;
  const minutes = Math.round(heldMs / 60_000);
  return `it has been held for ${minutes} min, longer than a run can last; ${backend.lock.leftBehindHint(holder)}`;
}

function unwritable(error: unknown): ExclusiveRunResult {
  const cause = error instanceof Error ? error.message : String(error);
  return { status: 'unwritable', message: `state cannot be written, so the run stopped sending: ${cause}` };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Runs `body` holding the writer lock, recorded in the run log (start, end, outcome) so every replica's /readyz
 * and `flagsync status` see it. State must be loaded inside `body`, after the lock is taken, so a run that waited
 * sees what the previous holder recorded and sends nothing twice. `body` gets a signal that aborts if the lock is
 * lost meanwhile (its PostgreSQL session ended): it must stop sending, as for SIGTERM.
 */
export async function runExclusively(
  options: ExclusiveRunOptions,
  body: (lockLost: AbortSignal) => Promise<RunReport<unknown>>,
): Promise<ExclusiveRunResult> {
  const { backend, logger } = options;
  const now = options.now ?? (() => new Date());
  const deadline = Date.now() + (options.waitMs ?? 0);
  let attempt: LockAttempt;
  try {
    attempt = await backend.lock.tryAcquire(thisProcess(now()));
  } catch (error) {
    if (isUnwritable(error)) return unwritable(error);
    throw error;
  }
  if (!attempt.acquired && Date.now() < deadline) {
    logger.info({ holder: attempt.holder }, `waiting for the writer lock (${backend.where}), held by ${describeHolder(attempt.holder)}`);
  }
  let pollMs = options.pollMs ?? 1000;
  const maxPollMs = Math.max(pollMs, options.maxPollMs ?? pollMs);
  while (!attempt.acquired && Date.now() < deadline && options.signal?.aborted !== true) {
    await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())), options.signal);
    // Woken by the stop: a lock free just now must not start a run that would only record itself failed.
    if (stopping(options.signal)) break;
    pollMs = Math.min(pollMs * 2, maxPollMs);
    attempt = await backend.lock.tryAcquire(thisProcess(now()));
  }
  if (!attempt.acquired) {
    const message = `another run holds the writer lock (${backend.where}): ${describeHolder(attempt.holder)}`;
    const hint = leftBehindHint(backend, attempt.holder, now(), options.longestRunMs);
    if (hint === undefined) return { status: 'locked', ...(attempt.holder === undefined ? {} : { holder: attempt.holder }), message };
    return { status: 'locked', holder: attempt.holder!, message: `${message}; ${hint}`, leftBehind: true };
  }
  if (attempt.tookOverFrom !== undefined) {
    logger.warn({ holder: attempt.tookOverFrom }, `took over a stale writer lock: ${describeHolder(attempt.tookOverFrom)} is gone`);
  }
  try {
    // Holding the lock, no other run is going on: one still recorded as running lost its process before its end, and
    // would read as running in `flagsync status` for ever.
    const abandonedReason = `${INTERRUPTED_PREFIX}its process ended before the run did (killed, out of memory); found by ${replicaName(thisProcess(now()))}`;
    await backend.runs
      .endAbandoned(now().toISOString(), abandonedReason)
      .then(
        (ended) => ended > 0 && logger.warn({ runs: ended }, 'run log: a run whose process ended before it did is recorded as interrupted'),
      )
      .catch((error: unknown) => logger.warn({ err: error }, 'run log: cannot end the runs whose process died'));
    if (options.slot !== undefined) {
      const slot = options.slot.getTime();
      // Runs of every provider, and of this run's own scope: each found past any streak of other scopes' watch syncs.
      const recent = [
        ...(await backend.runs.recent(SLOT_LOOKBACK, { scope: undefined })),
        ...(options.scope === undefined ? [] : await backend.runs.recent(SLOT_LOOKBACK, { scope: options.scope })),
      ];
      const by = recent.find((r) => Date.parse(r.startedAt) >= slot && standsForItsSlot(r));
      if (by !== undefined) {
        const message = `this schedule slot (${options.slot.toISOString()}) was already synced by ${by.replica} at ${by.startedAt}`;
        return { status: 'done-this-slot', by, message };
      }
    }
    const me = replicaName(thisProcess());
    let id: string;
    try {
      id = await backend.runs.start(me, now().toISOString(), options.scope);
    } catch (error) {
      if (isUnwritable(error)) return unwritable(error);
      throw error;
    }
    const lockLost = attempt.lost ?? new AbortController().signal;
    const sayLost = (): void => logger.error({ reason: String(lockLost.reason) }, 'writer lock lost: the run stops sending');
    lockLost.addEventListener('abort', sayLost, { once: true });
    let report: RunReport<unknown>;
    try {
      report = await body(lockLost);
    } catch (error) {
      // The run log is served by /readyz and read by `status` in other processes, which know none of this one's secrets.
      const reason = redact(error instanceof Error ? error.message : String(error));
      await backend.runs
        .finish(id, { endedAt: now().toISOString(), outcome: 'error', reason })
        .catch((e: unknown) => logger.error({ err: e }, 'run log: cannot record the end of the run'));
      throw error;
    }
    // Stopped because this process is going away (a rollout, a drain): the replica that runs next syncs the slot again.
    const failure = failureReason(report);
    const reason = stopping(options.signal) && failure !== undefined ? `${INTERRUPTED}${failure}` : failure;
    const end: RunEnd = {
      endedAt: now().toISOString(),
      outcome: report.ok ? 'ok' : 'failed',
      ...(reason === undefined ? {} : { reason: redact(reason) }),
      providers: summarizeProviders(report).map((p) => (p.error === undefined ? p : { ...p, error: redact(p.error) })),
    };
    // The report says how the run went (a state that could not be written included); a run log that cannot record
    // it is told in the log, not made the run's failure.
    await backend.runs.finish(id, end).catch((e: unknown) => logger.error({ err: e }, 'run log: cannot record the end of the run'));
    return { status: 'ran', report };
  } finally {
    await attempt.release();
  }
}
