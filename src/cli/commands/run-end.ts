import type { Logger } from '../../log';
import type { RunReport } from '../../reconcile/run';
import { runFinishedFields } from '../../report/run-summary';
import { failureReason } from '../../store/exclusive-run';

/**
 * A failed run is an error-level line, so alerting on log level catches it. Its cause is in `reason`; per provider
 * the line has counts only. `withReason` is false when the summary printed beside it already says why (run --once on
 * a terminal), so a person reads each failure once.
 */
export function logRunEnd(logger: Logger, report: RunReport<unknown>, withReason = true): void {
  const counts = runFinishedFields(report).providers.map(({ error: _error, ...rest }) => rest);
  if (report.ok) logger.info({ ok: true, providers: counts }, 'run finished');
  else
    logger.error(
      withReason ? { ok: false, providers: counts, reason: failureReason(report) } : { ok: false, providers: counts },
      'run failed',
    );
}
