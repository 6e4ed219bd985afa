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
import { startWatchMode, type RunTrigger } from './run-watch';
import { syncOnce } from './sync';
import { printOut, printErr } from '../output';

export interface RunOptions extends GlobalOptions {
  readonly once?: boolean;
  readonly allowMassDelete?: boolean;
  /** `run --once`: how long to wait for another run's writer lock ("30s", "5m"); default: fail at once. */
  readonly waitLock?: string;
  readonly provider?: string;
  /** Daemon: also sync a provider alone shortly after its source changes (config `watch: true` does the same). */
  readonly watch?: boolean;
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
  if (options.once === true && options.watch === true) {
    throw new ExitError(EXIT_USAGE, ['flagsync: --watch is for the daemon (flagsync run --watch); run --once syncs once and exits']);
  }
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
    const sync = (signal: AbortSignal, provider = only): Promise<RunReport<unknown>> =>
      syncOnce(config, logger, {
        dryRun: false,
        allowMassDelete: options.allowMassDelete === true,
        signal,
        store: backend.state,
        saveIntervalMs: backend.saveIntervalMs,
        only: provider,
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
    const watch = options.watch === true || config.watch;
    return await runDaemon(config, backend, logger, controller.signal, sync, watch ? { only } : undefined);
  } finally {
    release();
    await backend.close();
  }
}

/**
 * The daemon: full syncs on the schedule, and with watch mode one provider's sync shortly after its source changed.
 * Both kinds run under the writer lock, one at a time; in watch mode each waits for the other instead of being skipped.
 */
async function runDaemon(
  config: FlagsyncConfig,
  backend: StateBackend,
  logger: Logger,
  stop: AbortSignal,
  sync: (signal: AbortSignal, provider?: string) => Promise<RunReport<unknown>>,
  watch?: { readonly only: string | undefined },
): Promise<number> {
  logger.info(
    { schedule: config.schedule, watch: watch !== undefined, providers: config.providers.map((p) => p.name), state: backend.where },
    'daemon started',
  );
  const metrics = new SyncMetrics();
  const readiness = () => checkReadiness({ runs: backend.runs, schedule: config.schedule, periods: config.metrics.readyPeriods });
  const server =
    config.metrics.port === undefined
      ? undefined
      : await startMetricsServer(metrics, config.metrics.port, config.metrics.host, { readiness });
  if (server !== undefined) logger.info({ url: `${server.url}/metrics` }, 'metrics server listening');
  // In watch mode a run waits for the lock (up to a run's longest time), so neither kind of sync is lost.
  const lockWait = watch === undefined ? {} : { waitMs: config.sync.runTimeoutSeconds * 1000, pollMs: 100 };
  const runTriggered = async (signal: AbortSignal, trigger: RunTrigger): Promise<void> => {
    const started = Date.now();
    const seconds = (): number => (Date.now() - started) / 1000;
    const where = trigger.kind === 'schedule' ? { slot: trigger.slot.toISOString() } : { provider: trigger.provider, trigger: 'watch' };
    metrics.recordTrigger(trigger.kind);
    let result;
    try {
      result = await runExclusively(
        { backend, logger, signal, ...lockWait, ...(trigger.kind === 'schedule' && { slot: trigger.slot }) },
        () => sync(signal, trigger.kind === 'watch' ? trigger.provider : undefined),
      );
    } catch (error) {
      metrics.recordRun(undefined, seconds(), Date.now());
      throw error; // the daemon (or the watch) logs it at error level
    }
    if (result.status === 'unwritable') {
      metrics.recordRun(undefined, seconds(), Date.now());
      logger.error(where, result.message);
      return;
    }
    if (result.status !== 'ran') {
      logger.info(where, `${trigger.kind === 'schedule' ? 'tick' : 'watch sync'} skipped: ${result.message}`);
      return;
    }
    metrics.recordRun(result.report, seconds(), Date.now());
    // Only a sync that sent something measures a change reaching Jira (a touch of a file, a rule Jira does not show: nothing).
    const sent = result.report.results.some((r) => r.created + r.updated + r.deleted > 0);
    if (trigger.kind === 'watch' && result.report.ok && sent)
      metrics.recordChangeToJira(trigger.provider, (Date.now() - trigger.noticedAt) / 1000);
    logRunEnd(logger.child(where), result.report);
  };
  const daemon = startDaemon({
    schedule: config.schedule,
    logger,
    run: (signal, slot) => runTriggered(signal, { kind: 'schedule', slot }),
  });
  const watching =
    watch === undefined
      ? undefined
      : await startWatchMode(config, logger, watch.only, (provider, noticedAt, signal) =>
          runTriggered(signal, { kind: 'watch', provider, noticedAt }),
        );
  if (!stop.aborted) await new Promise<void>((resolve) => stop.addEventListener('abort', () => resolve(), { once: true }));
  await watching?.stop();
  await daemon.stop();
  await server?.close();
  logger.info('daemon stopped; state saved');
  return EXIT_OK;
}
