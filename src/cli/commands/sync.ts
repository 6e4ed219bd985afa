import type { FlagsyncConfig } from '../../config';
import type { Logger } from '../../log';
import { runOnce, type RunReport } from '../../reconcile/run';
import { closeProviders, createClient, createProviders, createStateStore, flagReconcileKind } from '../wiring';

export interface SyncOptions {
  readonly dryRun: boolean;
  readonly allowMassDelete: boolean;
  readonly signal?: AbortSignal;
}

/** One full sync (or plan) of every configured provider. */
export async function syncOnce(config: FlagsyncConfig, logger: Logger, options: SyncOptions): Promise<RunReport> {
  const providers = createProviders(config, logger);
  try {
    return await runOnce({
      providers,
      client: createClient(config, logger),
      kind: flagReconcileKind,
      store: createStateStore(config),
      logger,
      signal: options.signal,
      massDeleteThreshold: config.sync.massDeleteThreshold,
      allowMassDelete: options.allowMassDelete,
      dryRun: options.dryRun,
      properties: config.jira.properties,
    });
  } finally {
    await closeProviders(providers, logger);
  }
}
