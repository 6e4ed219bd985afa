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
    this.firstNoticedAt ??= now;
    this.options.logger.debug({ provider: this.name }, 'watch: change noticed');
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
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pendingAfterRun = false;
    await this.running;
  }
}

/** Starts every provider's watch; one that cannot start is logged and left to the schedule. */
export async function startWatching(options: WatchOptions): Promise<Watching> {
  const controller = new AbortController();
  const triggers: ProviderTrigger[] = [];
  const started: string[] = [];
  await Promise.all(
    options.providers.map(async ({ name, adapter }) => {
      if (adapter.watch === undefined) return;
      const trigger = new ProviderTrigger(name, options, controller.signal);
      triggers.push(trigger);
      try {
        await adapter.watch(trigger.notice, controller.signal, options.pollIntervalMs);
        started.push(name);
      } catch (error) {
        options.logger.error({ provider: name, err: error }, 'watch: cannot watch this provider; it is synced on the schedule only');
      }
    }),
  );
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
