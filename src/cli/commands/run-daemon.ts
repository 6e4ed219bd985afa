import type { FlagsyncConfig } from '../../config';
import { startMetricsServer } from '../../daemon/health-server';
import { startDaemon } from '../../daemon/daemon';
import { takingTurns } from '../../daemon/turns';
import { SyncMetrics } from '../../daemon/metrics';
import { checkReadiness } from '../../daemon/readiness';
import type { Logger } from '../../log';
import type { RunReport } from '../../reconcile/run';
import { runExclusively, type StateBackend } from '../../store';
import { EXIT_OK } from '../exit';
import { logRunEnd } from './run-end';
import { startWatchMode, type RunTrigger } from './run-watch';
import { longestRunMs } from './sync';

/**
 * The daemon: full syncs on the schedule, and with watch mode one provider's sync shortly after its source changed.
 * Both kinds run under the writer lock, one at a time; in watch mode each waits for the other instead of being skipped.
 */
export async function runDaemon(
  config: FlagsyncConfig,
  backend: StateBackend,
  logger: Logger,
  stop: AbortSignal,
  sync: (signal: AbortSignal, provider?: string) => Promise<RunReport<unknown>>,
  watch?: { readonly only: string | undefined },
  /** The one provider this daemon syncs (`--provider`); undefined: every provider. */
  only?: string,
): Promise<number> {
  logger.info(
    { schedule: config.schedule, watch: watch !== undefined, providers: config.providers.map((p) => p.name), state: backend.where },
    'daemon started',
  );
  const metrics = new SyncMetrics();
  const readiness = () =>
    checkReadiness({
      runs: backend.runs,
      schedule: config.schedule,
      periods: config.metrics.readyPeriods,
      longestRunMs: longestRunMs(config),
      ...(only !== undefined && { scope: only }),
    });
  const server =
    config.metrics.port === undefined
      ? undefined
      : await startMetricsServer(metrics, config.metrics.port, config.metrics.host, {
          readiness,
          onError: (error) => logger.warn({ err: error }, 'metrics server: a connection failed; it goes on serving'),
        });
  if (server !== undefined) logger.info({ url: `${server.url}/metrics` }, 'metrics server listening');
  // This process's runs (ticks and watch syncs) take turns in the order they were asked for (turns.ts), so the writer
  // lock settles only between replicas; in watch mode a run waits for another replica's run (up to the longest a run
  // lasts) instead of being skipped.
  const inTurn = takingTurns();
  const lockWait = watch === undefined ? {} : { waitMs: longestRunMs(config), pollMs: 100, maxPollMs: 2000 };
  const runTriggered = (signal: AbortSignal, trigger: RunTrigger): Promise<void> => inTurn(() => runNow(signal, trigger));
  const runNow = async (signal: AbortSignal, trigger: RunTrigger): Promise<void> => {
    if (signal.aborted) return;
    const started = Date.now();
    const seconds = (): number => (Date.now() - started) / 1000;
    const where = trigger.kind === 'schedule' ? { slot: trigger.slot.toISOString() } : { provider: trigger.provider, trigger: 'watch' };
    let result;
    try {
      const scope = trigger.kind === 'watch' ? trigger.provider : only;
      result = await runExclusively(
        {
          backend,
          logger,
          signal,
          longestRunMs: longestRunMs(config),
          ...lockWait,
          ...(scope !== undefined && { scope }),
          ...(trigger.kind === 'schedule' && trigger.anySlot !== true && { slot: trigger.slot }),
        },
        (lockLost) => sync(AbortSignal.any([signal, lockLost]), trigger.kind === 'watch' ? trigger.provider : undefined),
      );
    } catch (error) {
      metrics.recordTrigger(trigger.kind);
      metrics.recordRun(undefined, seconds(), Date.now());
      throw error; // the daemon (or the watch) logs it at error level
    }
    if (result.status === 'unwritable') {
      metrics.recordRun(undefined, seconds(), Date.now());
      logger.error(where, result.message);
      return;
    }
    if (result.status !== 'ran') {
      // A lock left behind by a holder that is gone stops every sync until someone removes it: that is a warning.
      const level = result.status === 'locked' && result.leftBehind === true ? 'warn' : 'info';
      logger[level](where, `${trigger.kind === 'schedule' ? 'tick' : 'watch sync'} skipped: ${result.message}`);
      return;
    }
    // Counted once it ran: every replica sees every tick, and one skipped behind the lock or the slot synced nothing.
    metrics.recordTrigger(trigger.kind);
    metrics.recordRun(result.report, seconds(), Date.now(), trigger.kind === 'watch');
    // Only a sync that sent something measures a change reaching Jira (a touch of a file, a rule Jira does not show: nothing).
    const sent = result.report.results.some((r) => r.created + r.updated + r.deleted > 0);
    if (trigger.kind === 'watch' && result.report.ok && sent)
      metrics.recordChangeToJira(trigger.provider, (Date.now() - trigger.noticedAt) / 1000);
    logRunEnd(logger.child(where), result.report);
  };
  const daemon = startDaemon({
    schedule: config.schedule,
    logger,
    // In watch mode the first run is never skipped as its slot's: a change made while no daemon watched (or noticed
    // just before the last one stopped) would otherwise wait for the next slot, where watch mode promises seconds.
    // Unchanged sources make it cheap (their fingerprints match state).
    run: (signal, slot, atStart) =>
      runTriggered(signal, { kind: 'schedule', slot, ...(atStart && watch !== undefined && { anySlot: true }) }),
  });
  const watching =
    watch === undefined
      ? undefined
      : await startWatchMode(
          config,
          logger,
          watch.only,
          (provider, noticedAt, signal) => runTriggered(signal, { kind: 'watch', provider, noticedAt }),
          stop,
        );
  if (!stop.aborted) await new Promise<void>((resolve) => stop.addEventListener('abort', () => resolve(), { once: true }));
  // Both stop at once: waiting for a watch run's batch first would let a tick (or a scheduled run waiting for the
  // lock) start a fresh run after SIGTERM, which the shutdown grace then cuts off mid-batch.
  await Promise.all([watching?.stop(), daemon.stop()]);
  await server?.close();
  logger.info('daemon stopped; state saved');
  return EXIT_OK;
}
