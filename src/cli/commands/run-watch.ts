import type { FlagsyncConfig } from '../../config';
import { startWatching } from '../../daemon/watch';
import type { Logger } from '../../log';
import { closeProviders, createProviders } from '../wiring';

/** What started a daemon run: a schedule tick (every provider), or a change a provider's watch announced (that one). */
/**
 * What starts a run: a schedule tick (for its slot; `anySlot`: run even if the slot was synced already), or a change
 * a watch noticed.
 */
export type RunTrigger =
  | { readonly kind: 'schedule'; readonly slot: Date; readonly anySlot?: boolean }
  | { readonly kind: 'watch'; readonly provider: string; readonly noticedAt: number };

export interface WatchMode {
  stop(): Promise<void>;
}

/**
 * Watch mode of `flagsync run`: the adapters that watch live as long as the daemon (each sync still creates its own,
 * as a scheduled one does), and every change they announce becomes `syncProvider`, debounced per provider.
 */
export async function startWatchMode(
  config: FlagsyncConfig,
  logger: Logger,
  only: string | undefined,
  syncProvider: (provider: string, noticedAt: number, signal: AbortSignal) => Promise<void>,
  stop?: AbortSignal,
): Promise<WatchMode> {
  const providers = createProviders(config, logger.child({ component: 'watch' }), only);
  const watching = await startWatching({
    providers: providers.map((p) => ({ name: p.name, adapter: p.source.source })),
    debounceMs: config.sync.watchDebounceMs,
    pollIntervalMs: config.sync.watchPollSeconds * 1000,
    logger,
    sync: syncProvider,
    ...(stop !== undefined && { signal: stop }),
  });
  return {
    async stop() {
      await watching.stop();
      await closeProviders(providers, logger);
    },
  };
}
