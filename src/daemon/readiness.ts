import { wasInterrupted } from '../store/exclusive-run';
import type { RunLog } from '../store/types';
import { periodMs } from './schedule';

export interface Readiness {
  readonly ready: boolean;
  /** One line for the probe's body: why not ready, or what made it ready. */
  readonly reason: string;
}

export interface ReadinessRule {
  readonly runs: RunLog;
  readonly schedule: string;
  /** Ready while the last finished run succeeded and ended within this many schedule periods. */
  readonly periods: number;
  /**
   * The daemon's own scope (`--provider`), undefined for every provider. Only runs of that scope count: a watch
   * sync of one healthy provider says nothing of a provider that is down, so it must not turn a failed full sync ready.
   */
  readonly scope?: string;
  /**
   * The longest a run lasts (its timeout, the batch in flight, the save). A run started while ready keeps the daemon
   * ready for at most this long, however many periods it takes: a long healthy sync is no reason to take replicas out.
   */
  readonly longestRunMs?: number;
  readonly now?: () => Date;
}

/** How many recent runs of the daemon's scope to look through for the last finished one (runs in progress come first). */
const LOOK_BACK = 20;

/**
 * Readiness read from the shared run log, so it reflects the last run of any replica: the replica that waits
 * behind the writer lock is ready as long as someone syncs.
 */
export async function checkReadiness(rule: ReadinessRule): Promise<Readiness> {
  const now = (rule.now ?? (() => new Date()))();
  let runs;
  try {
    // The daemon's own runs only, found past any streak of watch syncs since.
    runs = await rule.runs.recent(LOOK_BACK, { scope: rule.scope });
  } catch (error) {
    return { ready: false, reason: `cannot read the run log: ${error instanceof Error ? error.message : String(error)}` };
  }
  // A run its process stopped (a replica drained, restarted) neither failed nor succeeded: the one before it counts.
  const last = runs.find((r) => r.endedAt !== undefined && !wasInterrupted(r));
  if (last === undefined || last.endedAt === undefined) {
    const running = runs.find((r) => r.outcome === 'running');
    return {
      ready: false,
      reason:
        running === undefined
          ? 'no run has finished yet'
          : `no run has finished yet (${running.replica} started one at ${running.startedAt})`,
    };
  }
  if (last.outcome !== 'ok') {
    return { ready: false, reason: `the last run (${last.replica}, ended ${last.endedAt}) failed: ${last.reason ?? last.outcome}` };
  }
  const limitMs = rule.periods * periodMs(rule.schedule, now);
  const ageMs = now.getTime() - Date.parse(last.endedAt);
  if (ageMs > limitMs) {
    const running = runs.find((r) => r.outcome === 'running');
    if (running !== undefined && keepsReady(running.startedAt, last.endedAt, limitMs, rule.longestRunMs, now)) {
      return {
        ready: true,
        reason: `the last run (${last.replica}, ended ${last.endedAt}) succeeded; ${running.replica} has been running one since ${running.startedAt}`,
      };
    }
    return {
      ready: false,
      reason: `the last successful run ended ${last.endedAt} (${Math.round(ageMs / 1000)} s ago), more than ${rule.periods} schedule periods (${Math.round(limitMs / 1000)} s)`,
    };
  }
  return { ready: true, reason: `the last run (${last.replica}, ended ${last.endedAt}) succeeded` };
}

/** A run in progress keeps the daemon ready when it began while ready and has not run longer than any run may. */
function keepsReady(startedAt: string, lastEndedAt: string, limitMs: number, longestRunMs: number | undefined, now: Date): boolean {
  const started = Date.parse(startedAt);
  return longestRunMs !== undefined && started - Date.parse(lastEndedAt) <= limitMs && now.getTime() - started <= longestRunMs;
}
