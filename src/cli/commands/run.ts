import type { FlagsyncConfig } from '../../config';
import { MAX_TIMER_MS } from '../../kit/deadline';
import type { RunReport } from '../../reconcile/run';
import { jsonRunSummary, renderRunSummary } from '../../report/run-summary';
import { openStateBackend, runExclusively } from '../../store';
import { abortOnSignals, loadConfigOrExit, loggerFor, progressFor, requireProvider, requireProviders } from '../context';
import { configArgOf, type GlobalOptions } from '../options';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, ExitError } from '../exit';
import { parseDuration } from '../duration';
import { logRunEnd } from './run-end';
import { longestRunMs, syncOnce } from './sync';
import { printOut } from '../output';

export interface RunOptions extends GlobalOptions {
  readonly once?: boolean;
  readonly allowMassDelete?: boolean;
  /** `run --once`: how long to wait for another run's writer lock ("30s", "5m"); default: fail at once. */
  readonly waitLock?: string;
  /** Overrides `sync.runTimeoutSeconds` ("2m"): a CronJob's deadline, with a config file the daemon shares. */
  readonly runTimeout?: string;
  readonly provider?: string;
  /** Daemon: also sync a provider alone shortly after its source changes (config `watch: true` does the same). */
  readonly watch?: boolean;
}

/** The report of a run that could not start because its store cannot be written: nothing read, nothing sent. */
function stoppedBeforeStart(stopped: string): RunReport<unknown> {
  return { ok: false, dryRun: false, stopped, plan: { kind: 'featureflags', providers: [] }, results: [] };
}

/** The config with `--run-timeout` in place of `sync.runTimeoutSeconds`; exit 2 for a duration that is none. */
function withRunTimeout(config: FlagsyncConfig, runTimeout: string | undefined): FlagsyncConfig {
  if (runTimeout === undefined) return config;
  const ms = parseDuration(runTimeout);
  if (ms === undefined || ms < 1000 || ms > MAX_TIMER_MS) {
    throw new ExitError(EXIT_USAGE, [
      `flagsync: --run-timeout: expected a duration from 1s to ${Math.floor(MAX_TIMER_MS / 86_400_000)} days (30s, 5m, 1h), got "${runTimeout}"`,
    ]);
  }
  return { ...config, sync: { ...config.sync, runTimeoutSeconds: ms / 1000 } };
}

/** `flagsync run --once` (one sync, exit 0/1) and `flagsync run` (daemon on the configured cron schedule). */
export async function runCommand(options: RunOptions): Promise<number> {
  if (options.once !== true && options.waitLock !== undefined) {
    throw new ExitError(EXIT_USAGE, [
      'flagsync: --wait-lock is for run --once (a daemon whose tick finds the lock held syncs at the next tick)',
    ]);
  }
  if (options.once === true && options.watch === true) {
    throw new ExitError(EXIT_USAGE, ['flagsync: --watch is for the daemon (flagsync run --watch); run --once syncs once and exits']);
  }
  const config = withRunTimeout(requireProviders(await loadConfigOrExit(options.config), 'run'), options.runTimeout);
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
        ...(options.runTimeout !== undefined && { runTimeoutNamed: '--run-timeout' }),
      });
    if (options.once === true) {
      const scope = only === undefined ? {} : { scope: only };
      const result = await runExclusively(
        { backend, logger, waitMs, signal: controller.signal, longestRunMs: longestRunMs(config), ...scope },
        (lockLost) => sync(AbortSignal.any([controller.signal, lockLost])),
      );
      if (result.status === 'unwritable') {
        // As a run that stopped for the same cause midway: the summary (and --json) says why, exit 1.
        const report = stoppedBeforeStart(result.message);
        logRunEnd(logger, report, process.stderr.isTTY !== true);
        printOut(options.json === true ? JSON.stringify(jsonRunSummary(report)) : renderRunSummary(report, configArgOf(options)));
        return EXIT_FAILED;
      }
      if (result.status !== 'ran') {
        const hint =
          waitMs > 0 ? `; gave up after --wait-lock ${options.waitLock}` : '; try again later, or wait for it with --wait-lock <duration>';
        logger.error({ holder: result.status === 'locked' ? result.holder : undefined }, result.message);
        // Thrown, so --json also prints the fatal-error object on stdout (a script reading it is never left with nothing).
        throw new ExitError(EXIT_FAILED, [`flagsync: ${result.message}${hint}`]);
      }
      const { report } = result;
      logRunEnd(logger, report, process.stderr.isTTY !== true);
      printOut(options.json === true ? JSON.stringify(jsonRunSummary(report)) : renderRunSummary(report, configArgOf(options)));
      if (controller.signal.aborted) logger.info('stopped by signal; state saved');
      return report.ok ? EXIT_OK : EXIT_FAILED;
    }
    const watch = options.watch === true || config.watch;
    // The daemon's modules (the schedule, prom-client's metrics, the watch) load only for the daemon. `require`: tsx's
    // CommonJS hook has no `import()` of extensionless paths.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { runDaemon } = require('./run-daemon') as typeof import('./run-daemon');
    return await runDaemon(config, backend, logger, controller.signal, sync, watch ? { only } : undefined, only);
  } finally {
    release();
    await backend.close();
  }
}
