import type { DevinfoSource, FlagSource } from '../kit/contract';
import type { Logger } from '../log';

/**
 * Watch mode's triggers: each provider whose adapter can `watch` announces changes; a burst of announcements within
 * `debounceMs` becomes one sync of that provider alone. A change announced while that provider's sync runs gives one
 * more sync after it (the running one may have read the source before the change). Syncs of different providers
 * may be requested at once: the caller serializes them (the writer lock).
 */
export interface WatchedProvider {
  readonly name: string;
  readonly adapter: Pick<FlagSource | DevinfoSource, 'watch'>;
}

export interface WatchOptions {
  readonly providers: readonly WatchedProvider[];
  readonly debounceMs: number;
  /** A burst longer than this still syncs (default 10 × debounceMs): a source that changes every second is synced. */
  readonly maxDelayMs?: number;
  readonly pollIntervalMs: number;
  readonly logger: Logger;
  /**
   * Syncs one provider alone; `noticedAt` (ms since the epoch) is when the first change of the burst was announced.
   * Should not reject; a rejection is logged.
   */
  readonly sync: (provider: string, noticedAt: number, signal: AbortSignal) => Promise<void>;
  readonly now?: () => number;
  /**
   * How long a provider's `watch` may take to start (its first poll, a stream's first data) before that provider is
   * left to the schedule; default 60 s.
   */
  readonly startTimeoutMs?: number;
  /** The daemon stopping: watches still starting give up at once, so SIGTERM is not held up behind them. */
  readonly signal?: AbortSignal;
}

export interface Watching {
  /** Providers whose watch started. */
  readonly providers: readonly string[];
  /** Stops watching, drops pending triggers and waits for the syncs in flight. */
  stop(): Promise<void>;
}

class ProviderTrigger {
  private timer: NodeJS.Timeout | undefined;
  private firstNoticedAt: number | undefined;
  private running: Promise<void> | undefined;
  private pendingAfterRun = false;

  constructor(
    private readonly name: string,
    private readonly options: WatchOptions,
    private readonly signal: AbortSignal,
  ) {}

  readonly notice = (): void => {
    if (this.signal.aborted) return;
    const now = (this.options.now ?? Date.now)();
    // The first change of a burst at info (a change must leave a trace), the rest of it at debug.
    const level = this.firstNoticedAt === undefined ? 'info' : 'debug';
    this.firstNoticedAt ??= now;
    this.options.logger[level]({ provider: this.name }, 'watch: change noticed');
    clearTimeout(this.timer);
    const maxDelay = this.options.maxDelayMs ?? this.options.debounceMs * 10;
    const delay = Math.max(0, Math.min(this.options.debounceMs, this.firstNoticedAt + maxDelay - now));
    this.timer = setTimeout(this.fire, delay);
  };

  private readonly fire = (): void => {
    this.timer = undefined;
    if (this.signal.aborted || this.firstNoticedAt === undefined) return;
    if (this.running !== undefined) {
      this.pendingAfterRun = true;
      return;
    }
    const noticedAt = this.firstNoticedAt;
    this.firstNoticedAt = undefined;
    this.running = this.options
      .sync(this.name, noticedAt, this.signal)
      .catch((error: unknown) => this.options.logger.error({ provider: this.name, err: error }, 'watch: sync failed'))
      .finally(() => {
        this.running = undefined;
        if (this.pendingAfterRun) {
          this.pendingAfterRun = false;
          this.fire();
        }
      });
  };

  async stop(): Promise<void> {
    // Said, so a change that did not get its sync leaves a trace: the next daemon's first run syncs it.
    if (this.timer !== undefined || this.pendingAfterRun)
      this.options.logger.info({ provider: this.name }, 'watch: a change noticed before stopping is left to the next start');
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pendingAfterRun = false;
    await this.running;
  }
}

/**
 * Longer than a poll may take (watch-poll.ts: 30 s, or the interval): a first poll that hangs is cut off there and
 * counted as failed, and polling goes on; this limit is for a watch that never starts at all.
 */
const DEFAULT_START_TIMEOUT_MS = 60_000;

/** `start()` settled, or a rejection once `ms` passed or `own` aborted (the daemon stopping), whichever is first. */
async function startedWithin(start: () => Promise<void>, own: AbortController, ms: number, name: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const cut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the watch of ${name} did not start within ${ms} ms`)), ms);
    onAbort = () => reject(own.signal.reason instanceof Error ? own.signal.reason : new Error('stopping'));
    own.signal.addEventListener('abort', onAbort, { once: true });
  });
  // A watch that throws at once, or returns no promise (plain JavaScript), fails here like one that rejects.
  const starting = Promise.resolve().then(start);
  // Cut off, either may still reject later: that is not an unhandled rejection.
  starting.catch(() => undefined);
  cut.catch(() => undefined);
  try {
    await Promise.race([starting, cut]);
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) own.signal.removeEventListener('abort', onAbort);
  }
}

/** Starts every provider's watch; one that cannot start (or not in time) is logged and left to the schedule. */
export async function startWatching(options: WatchOptions): Promise<Watching> {
  const controller = new AbortController();
  const triggers: ProviderTrigger[] = [];
  const started: string[] = [];
  const stopping = options.signal;
  const onStop = (): void => controller.abort(new Error('stopping'));
  stopping?.addEventListener('abort', onStop, { once: true });
  if (stopping?.aborted === true) onStop();
  const startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  await Promise.all(
    options.providers.map(async ({ name, adapter }) => {
      const watch = adapter.watch;
      if (watch === undefined) return;
      // Its own signal: a watch that does not start in time is stopped alone.
      const own = new AbortController();
      const onAbort = (): void => own.abort(controller.signal.reason);
      controller.signal.addEventListener('abort', onAbort, { once: true });
      // Stopped before this start (the daemon stopping as it began): a listener added now would never hear it.
      if (controller.signal.aborted) return;
      const trigger = new ProviderTrigger(name, options, own.signal);
      triggers.push(trigger);
      try {
        await startedWithin(() => watch.call(adapter, trigger.notice, own.signal, options.pollIntervalMs), own, startTimeoutMs, name);
        started.push(name);
      } catch (error) {
        own.abort(error);
        controller.signal.removeEventListener('abort', onAbort);
        if (controller.signal.aborted) return;
        options.logger.error({ provider: name, err: error }, 'watch: cannot watch this provider; it is synced on the schedule only');
      }
    }),
  );
  stopping?.removeEventListener('abort', onStop);
  const unwatched = options.providers.filter((p) => !started.includes(p.name)).map((p) => p.name);
  options.logger.info({ watching: started, scheduleOnly: unwatched }, 'watch mode started');
  return {
    providers: started,
    async stop() {
      controller.abort(new Error('stopping'));
      await Promise.all(triggers.map((t) => t.stop()));
    },
  };
}
