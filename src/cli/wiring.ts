import * as path from 'node:path';
import type { FlagsyncConfig } from '../config';
import { createJiraClient } from '../jira';
import type { JiraClient } from '../jira';
import type { CircuitBreaker } from '../jira/breaker';
import type { Logger } from '../log';
import type { EnvironmentType } from '../kit/flag';
import { createSource, type ProviderSource } from '../adapter-host/instantiate';
import type { AnyAdapterFactory } from '../kit/contract-v1';
import { TimeoutError, withTimeout } from '../kit/deadline';
import type { ProviderRuntime } from '../reconcile/run';
import { FileStateStore } from '../store/file/file-state-store';
import type { StateStore } from '../reconcile/state-store';
import { packageVersion } from './package-root';

export function createClient(config: FlagsyncConfig, logger: Logger, breaker?: CircuitBreaker): JiraClient {
  const { jira } = config;
  return createJiraClient(
    {
      clientId: jira.clientId,
      clientSecret: jira.clientSecret,
      tokenUrl: jira.tokenUrl,
      apiBaseUrl: jira.apiBaseUrl,
      cloudId: jira.cloudId,
      site: jira.site,
      concurrency: jira.concurrency,
      maxAttempts: jira.maxAttempts,
      requestTimeoutMs: jira.requestTimeoutSeconds * 1000,
      product: `flagsync ${packageVersion()}`,
    },
    { logger: logger.child({ component: 'jira' }), ...(breaker !== undefined && { breaker }) },
  );
}

/** Creates each provider's source from its decoded options, typed by what it produces; with `only`, that provider's alone. */
export function createProviders(config: FlagsyncConfig, logger: Logger, only?: string): ProviderRuntime[] {
  return config.providers
    .filter((provider) => only === undefined || provider.name === only)
    .map((provider) => {
      const environmentTypes = new Map<string, EnvironmentType | undefined>();
      for (const env of provider.environments) if (env.type !== undefined) environmentTypes.set(env.name, env.type);
      const source = createdOrFailing(provider.factory, () =>
        createSource(provider.factory, provider.options, {
          providerName: provider.name,
          configDir: config.dir,
          dataDir: path.dirname(config.state.path),
          logger: logger.child({ provider: provider.name }),
        }),
      );
      return {
        name: provider.name,
        adapterName: provider.adapter,
        source,
        timeoutMs: (provider.timeoutSeconds ?? config.sync.providerTimeoutSeconds) * 1000,
        linking: provider.linking,
        environmentTypes,
      };
    });
}

/**
 * The provider's source; when its adapter's `create` throws (or returns no source), a source whose reads fail with
 * that error. That provider's sync fails like a source that is down (nothing of it deleted, reported by name); the
 * other providers sync, and a daemon keeps running.
 */
function createdOrFailing(factory: AnyAdapterFactory<unknown>, create: () => ProviderSource): ProviderSource {
  let source: ProviderSource;
  try {
    source = create();
    if (typeof source.source !== 'object' || source.source === null)
      throw new Error(`create() returned ${String(source.source)}, not a source`);
  } catch (error) {
    const failure = new Error(`the adapter could not be set up: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
    const snapshot = (): Promise<never> => Promise.reject(failure);
    // A version 1 factory says what it produces only on what create returns: such a provider is counted with the flags.
    return factory.contractVersion === 2 && factory.produces === 'devinfo'
      ? { produces: 'devinfo', source: { snapshot } }
      : { produces: 'flags', source: { environments: [], snapshot } };
  }
  return source;
}

export function createStateStore(config: FlagsyncConfig): StateStore {
  return new FileStateStore(config.state.path);
}

/**
 * How long an adapter's `close` may take. A run ends (and releases the writer lock, records its end, lets SIGTERM
 * exit) only after its providers are closed: a `close` that never settles would hold every replica off for good.
 */
export const CLOSE_TIMEOUT_MS = 10_000;

export async function closeProviders(
  providers: readonly ProviderRuntime[],
  logger: Logger,
  timeoutMs: number = CLOSE_TIMEOUT_MS,
): Promise<void> {
  await Promise.all(
    providers.map(async (p) => {
      const { close } = p.source.source;
      if (close === undefined) return;
      try {
        await withTimeout(async () => close.call(p.source.source), timeoutMs);
      } catch (error) {
        const message =
          error instanceof TimeoutError ? `adapter close did not finish within ${timeoutMs} ms; going on` : 'adapter close failed';
        logger.warn({ provider: p.name, err: error }, message);
      }
    }),
  );
}
