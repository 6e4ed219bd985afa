import * as cron from 'node-cron';
import type { Logger } from '../log';
import { currentSlot, lateTickToleranceMs } from './schedule';

export interface DaemonOptions {
  readonly schedule: string;
  /**
   * One sync run; must stop starting new work when `signal` aborts and resolve once state is saved. `slot` is the
   * schedule time the run is for (the tick's, or the latest one before a run at start or by hand), the same on
   * every replica, so replicas can tell whether this slot was synced already.
   */
  readonly run: (signal: AbortSignal, slot: Date, atStart: boolean) => Promise<unknown>;
  readonly logger: Logger;
  /** Run once right away instead of waiting for the first tick (default true). */
  readonly runAtStart?: boolean;
}

export interface Daemon {
  /** Triggers a run now unless one is in flight (then it is skipped, never overlapped). */
  tick(slot?: Date): Promise<void>;
  /** Aborts the run in flight, waits for it to save state, and stops the schedule. */
  stop(): Promise<void>;
  readonly running: boolean;
}

/** node-cron's messages (a missed tick while the event loop was busy, an error) as log lines like every other. */
function cronLogger(logger: Logger): cron.Logger {
  const fields = { component: 'node-cron' };
  const textOf = (message: string | Error) => (message instanceof Error ? message.message : message);
  return {
    info: (message) => logger.info(fields, message),
    warn: (message) => logger.warn(fields, message),
    error: (message, err) => logger.error({ ...fields, err: err ?? message }, textOf(message)),
    debug: (message) => logger.debug(fields, textOf(message)),
  };
}

/** Runs the sync on a cron schedule, never two at once. */
export function startDaemon(options: DaemonOptions): Daemon {
  const { logger } = options;
  let inFlight: Promise<void> | undefined;
  let controller = new AbortController();
  let stopped = false;

  const tick = async (slot: Date = currentSlot(options.schedule, new Date()), atStart = false): Promise<void> => {
    if (stopped) return;
    if (inFlight !== undefined) {
      logger.warn('previous run still in progress; this tick is skipped');
      return;
    }
    controller = new AbortController();
    inFlight = options
      .run(controller.signal, slot, atStart)
      .then(() => undefined)
      .catch((error: unknown) => logger.error({ err: error }, 'run failed'))
      .finally(() => {
        inFlight = undefined;
      });
    await inFlight;
  };

  // No noOverlap: tick() skips a tick while a run is in flight and says so in the log; node-cron's own overlap check
  // would skip it first and write its warning as coloured text to stderr, where every other line is JSON.
  const missedExecutionTolerance = lateTickToleranceMs(options.schedule, new Date());
  const task = cron.schedule(options.schedule, (context) => tick(context.date), {
    name: 'flagsync',
    logger: cronLogger(logger),
    missedExecutionTolerance,
  });
  if (options.runAtStart !== false) void tick(undefined, true);

  return {
    tick,
    get running() {
      return inFlight !== undefined;
    },
    async stop() {
      stopped = true;
      await task.stop();
      controller.abort(new Error('stopping'));
      await inFlight;
      await task.destroy();
    },
  };
}
