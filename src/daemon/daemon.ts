import * as cron from 'node-cron';
import type { Logger } from '../log';

export interface DaemonOptions {
  readonly schedule: string;
  /** One sync run; must stop starting new work when `signal` aborts and resolve once state is saved. */
  readonly run: (signal: AbortSignal) => Promise<unknown>;
  readonly logger: Logger;
  /** Run once right away instead of waiting for the first tick (default true). */
  readonly runAtStart?: boolean;
}

export interface Daemon {
  /** Triggers a run now unless one is in flight (then it is skipped, never overlapped). */
  tick(): Promise<void>;
  /** Aborts the run in flight, waits for it to save state, and stops the schedule. */
  stop(): Promise<void>;
  readonly running: boolean;
}

/** Runs the sync on a cron schedule, never two at once. */
export function startDaemon(options: DaemonOptions): Daemon {
  const { logger } = options;
  let inFlight: Promise<void> | undefined;
  let controller = new AbortController();
  let stopped = false;

  const tick = async (): Promise<void> => {
    if (stopped) return;
    if (inFlight !== undefined) {
      logger.warn('previous run still in progress; this tick is skipped');
      return;
    }
    controller = new AbortController();
    inFlight = options
      .run(controller.signal)
      .then(() => undefined)
      .catch((error: unknown) => logger.error({ err: error }, 'run failed'))
      .finally(() => {
        inFlight = undefined;
      });
    await inFlight;
  };

  const task = cron.schedule(options.schedule, () => tick(), { name: 'flagsync', noOverlap: true });
  if (options.runAtStart !== false) void tick();

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
