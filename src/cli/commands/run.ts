import type { FlagsyncConfig } from '../../config';
import { startMetricsServer } from '../../daemon/health-server';
import { startDaemon } from '../../daemon/daemon';
import { SyncMetrics } from '../../daemon/metrics';
import { checkReadiness } from '../../daemon/readiness';
import type { Logger } from '../../log';
import type { RunReport } from '../../reconcile/run';
import { jsonRunSummary, renderRunSummary, runFinishedFields } from '../../report';
import { openStateBackend, runExclusively, type StateBackend } from '../../store';
import { failureReason } from '../../store/exclusive-run';
import {
  abortOnSignals,
  loadConfigOrExit,
  loggerFor,
  progressFor,
  requireProvider,
  requireProviders,
  type GlobalOptions,
} from '../context';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, ExitError } from '../exit';
import { parseDuration } from '../duration';
import { syncOnce } from './sync';
import { printOut, printErr } from '../output';

export interface RunOptions extends GlobalOptions {
  readonly once?: boolean;
  readonly allowMassDelete?: boolean;
  /** `run --once`: how long to wait for another run's writer lock ("30s", "5m"); default: fail at once. */
  readonly waitLock?: string;
  readonly provider?: string;
}

/**
 * A failed run is an error-level line, so alerting on log level catches it. Its cause is in `reason`; per provider
 * the line has counts only. `withReason` is false when the summary printed beside it already says why (run --once on
 * a terminal), so a person reads each failure once.
 */
function logRunEnd(logger: Logger, report: RunReport<unknown>, withReason = true): void {
  const counts = runFinishedFields(report).providers.map(({ error: _error, ...rest }) => rest);
  if (report.ok) logger.info({ ok: true, providers: counts }, 'run finished');
  else
    logger.error(
      withReason ? { ok: false, providers: counts, reason: failureReason(report) } : { ok: false, providers: counts },
      'run failed',
    );
}

/** The report of a run that could not start because its store cannot be written: nothing read, nothing sent. */
function stoppedBeforeStart(stopped: string): RunReport<unknown> {
  return { ok: false, dryRun: false, stopped, plan: { kind: 'featureflags', providers: [] }, results: [] };
}

/** `flagsync run --once` (one sync, exit 0/1) and `flagsync run` (daemon on the configured cron schedule). */
export async function runCommand(options: RunOptions): Promise<number> {
  const config = requireProviders(await loadConfigOrExit(options.config), 'run');
  const waitMs = options.waitLock === undefined ? 0 : parseDuration(options.waitLock);
  if (waitMs === undefined) {
    throw new ExitError(EXIT_USAGE, [`flagsync: --wait-lock: expected a duration such as 30s, 5m or 1h, got "${options.waitLock}"`]);
  }
  const only = requireProvider(config, options.provider);
  const progress = progressFor(options);
  const logger = loggerFor(options, config, progress?.sink);
  const controller = new AbortController();
  // Grace for the shutdown: the request in flight may take its whole timeout, then state is saved.
  const release = abortOnSignals(controller, logger, config.jira.requestTimeoutSeconds * 1000 + 10_000);
  const backend = openStateBackend(config.state);
  try {
    const sync = (signal: AbortSignal): Promise<RunReport<unknown>> =>
      syncOnce(config, logger, {
        dryRun: false,
        allowMassDelete: options.allowMassDelete === true,
        signal,
        store: backend.state,
        saveIntervalMs: backend.saveIntervalMs,
        only,
        progress,
      });
    if (options.once === true) {
      const result = await runExclusively({ backend, logger, waitMs, signal: controller.signal }, () => sync(controller.signal));
      if (result.status === 'unwritable') {
        // As a run that stopped for the same cause midway: the summary (and --json) says why, exit 1.
        const report = stoppedBeforeStart(result.message);
        logRunEnd(logger, report, process.stderr.isTTY !== true);
        printOut(options.json === true ? JSON.stringify(jsonRunSummary(report)) : renderRunSummary(report));
        return EXIT_FAILED;
      }
      if (result.status !== 'ran') {
        const hint =
          waitMs > 0 ? `; gave up after --wait-lock ${options.waitLock}` : '; try again later, or wait for it with --wait-lock <duration>';
        logger.error({ holder: result.status === 'locked' ? result.holder : undefined }, result.message);
        printErr(`flagsync: ${result.message}${hint}`);
        return EXIT_FAILED;
      }
      const { report } = result;
      logRunEnd(logger, report, process.stderr.isTTY !== true);
      printOut(options.json === true ? JSON.stringify(jsonRunSummary(report)) : renderRunSummary(report));
      if (controller.signal.aborted) logger.info('stopped by signal; state saved');
      return report.ok ? EXIT_OK : EXIT_FAILED;
    }
    return await runDaemon(config, backend, logger, controller.signal, sync);
  } finally {
    release();
    await backend.close();
  }
}

async function runDaemon(
  config: FlagsyncConfig,
  backend: StateBackend,
  logger: Logger,
  stop: AbortSignal,
  sync: (signal: AbortSignal) => Promise<RunReport<unknown>>,
): Promise<number> {
  logger.info({ schedule: config.schedule, providers: config.providers.map((p) => p.name), state: backend.where }, 'daemon started');
  const metrics = new SyncMetrics();
  const readiness = () => checkReadiness({ runs: backend.runs, schedule: config.schedule, periods: config.metrics.readyPeriods });
  const server =
    config.metrics.port === undefined
      ? undefined
      : await startMetricsServer(metrics, config.metrics.port, config.metrics.host, { readiness });
  if (server !== undefined) logger.info({ url: `${server.url}/metrics` }, 'metrics server listening');
  const daemon = startDaemon({
    schedule: config.schedule,
    logger,
    run: async (signal, slot) => {
      const started = Date.now();
      const seconds = (): number => (Date.now() - started) / 1000;
      let result;
      try {
        result = await runExclusively({ backend, logger, signal, slot }, () => sync(signal));
      } catch (error) {
        metrics.recordRun(undefined, seconds(), Date.now());
        throw error; // the daemon logs it at error level
      }
      if (result.status === 'unwritable') {
        metrics.recordRun(undefined, seconds(), Date.now());
        logger.error({ slot: slot.toISOString() }, result.message);
        return;
      }
      if (result.status !== 'ran') {
        logger.info({ slot: slot.toISOString() }, `tick skipped: ${result.message}`);
        return;
      }
      metrics.recordRun(result.report, seconds(), Date.now());
      logRunEnd(logger, result.report);
    },
  });
  await new Promise<void>((resolve) => stop.addEventListener('abort', () => resolve(), { once: true }));
  await daemon.stop();
  await server?.close();
  logger.info('daemon stopped; state saved');
  return EXIT_OK;
}
