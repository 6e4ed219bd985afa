import { IN_SUMMARY, type Logger } from '../../log';
import type { RunReport } from '../../reconcile/run';
import { runFinishedFields } from '../../report/run-summary';
import { failureReason } from '../../store/exclusive-run';

/**
 * A failed run is an error-level line, so alerting on log level catches it. Its cause is in `reason`; per provider
 * the line has counts only. `withReason` is false when the summary printed beside it already says all of it (run
 * --once on a terminal): the line is then left out of the pretty log (IN_SUMMARY), so a person reads it once; JSON
 * logs keep it.
 */
export function logRunEnd(logger: Logger, report: RunReport<unknown>, withReason = true): void {
  const counts = runFinishedFields(report).providers.map(({ error: _error, ...rest }) => rest);
  const shown = withReason ? {} : IN_SUMMARY;
  if (report.ok) logger.info({ ok: true, providers: counts, ...shown }, 'run finished');
  else
    logger.error(
      withReason ? { ok: false, providers: counts, reason: failureReason(report) } : { ok: false, providers: counts, ...shown },
      'run failed',
    );
}
