import type { FlagsyncConfig } from '../config';
import { createJiraClient } from '../jira';
import type { JiraClient } from '../jira';
import type { CircuitBreaker } from '../jira/breaker';
import type { Logger } from '../log';
import type { EnvironmentType } from '../kit/flag';
import { createSource } from '../adapter-host/instantiate';
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
      const source = createSource(provider.factory, provider.options, {
        providerName: provider.name,
        configDir: config.dir,
        logger: logger.child({ provider: provider.name }),
      });
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

export function createStateStore(config: FlagsyncConfig): StateStore {
  return new FileStateStore(config.state.path);
}

export async function closeProviders(providers: readonly ProviderRuntime[], logger: Logger): Promise<void> {
  await Promise.all(
    providers.map(async (p) => {
      try {
        await p.source.source.close?.();
      } catch (error) {
        logger.warn({ provider: p.name, err: error }, 'adapter close failed');
      }
    }),
  );
}
