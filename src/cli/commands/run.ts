import { startDaemon } from '../../daemon/daemon';
import { startMetricsServer, SyncMetrics } from '../../daemon/metrics';
import type { RunReport } from '../../reconcile/run';
import { jsonRunSummary, renderRunSummary } from '../../reconcile/report';
import { abortOnSignals, loadConfigOrExit, loggerFor, requireProviders, type GlobalOptions } from '../context';
import { EXIT_FAILED, EXIT_OK } from '../exit';
import { syncOnce } from './sync';

export interface RunOptions extends GlobalOptions {
  readonly once?: boolean;
  readonly allowMassDelete?: boolean;
}

/** `flagsync run --once` (one sync, exit 0/1) and `flagsync run` (daemon on the configured cron schedule). */
export async function runCommand(options: RunOptions): Promise<number> {
  const config = requireProviders(await loadConfigOrExit(options.config), 'run');
  const logger = loggerFor(options, config);
  const controller = new AbortController();
  // Grace for the shutdown: the request in flight may take its whole timeout, then state is saved.
  const release = abortOnSignals(controller, logger, config.jira.requestTimeoutSeconds * 1000 + 10_000);
  try {
    if (options.once === true) {
      const report = await syncOnce(config, logger, {
        dryRun: false,
        allowMassDelete: options.allowMassDelete === true,
        signal: controller.signal,
      });
      process.stdout.write(options.json === true ? `${JSON.stringify(jsonRunSummary(report))}\n` : `${renderRunSummary(report)}\n`);
      if (controller.signal.aborted) logger.info('stopped by signal; state saved');
      return report.ok ? EXIT_OK : EXIT_FAILED;
    }
    logger.info({ schedule: config.schedule, providers: config.providers.map((p) => p.name) }, 'daemon started');
    const metrics = new SyncMetrics();
    const server =
      config.metrics.port === undefined ? undefined : await startMetricsServer(metrics, config.metrics.port, config.metrics.host);
    if (server !== undefined) logger.info({ url: `${server.url}/metrics` }, 'metrics server listening');
    const daemon = startDaemon({
      schedule: config.schedule,
      logger,
      run: async (signal) => {
        const started = Date.now();
        let report: RunReport<unknown> | undefined;
        try {
          report = await syncOnce(config, logger, { dryRun: false, allowMassDelete: options.allowMassDelete === true, signal });
        } finally {
          metrics.recordRun(report, (Date.now() - started) / 1000, Date.now());
        }
        const summary = jsonRunSummary(report);
        logger.info(
          { ok: summary.ok, providers: summary.providers.map(({ rejections, failures, warnings, ...counts }) => counts) },
          'run finished',
        );
        return report;
      },
    });
    await new Promise<void>((resolve) => controller.signal.addEventListener('abort', () => resolve(), { once: true }));
    await daemon.stop();
    await server?.close();
    logger.info('daemon stopped; state saved');
    return EXIT_OK;
  } finally {
    release();
  }
}
