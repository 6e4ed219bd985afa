import {
  ADAPTER_CONTRACT_VERSION,
  SourceError,
  SourceHttpError,
  type AdapterContext,
  type FlagAdapterFactory,
  type FlagSource,
} from '../../src/kit';
import type { LDOptions } from '@launchdarkly/node-server-sdk';
import type { RestFlag } from './codecs';
import { normalizeLaunchDarklyFlags, type EnvironmentFlags, type MapSettings } from './map';
import {
  DEFAULT_INIT_TIMEOUT_SECONDS,
  DEFAULT_PROJECT_KEY,
  DEFAULT_UI_BASE_URL,
  LaunchDarklyOptionsCodec,
  type LaunchDarklyOptions,
  type LaunchDarklyOwnOptions,
  type LdEnvironmentOptions,
} from './options';
import { fetchFlagMetadata } from './rest-api';
import { readEnvironmentFlags } from './sdk-source';
import { watchLaunchDarkly } from './watch';

export { LaunchDarklyOptionsCodec, type LaunchDarklyOptions } from './options';
export { normalizeLaunchDarklyFlags } from './map';

const DEFAULT_REST_BASE_URL = 'https://app.launchdarkly.com';

/** What tests (or an embedding program) may swap in; the config-driven factory uses the real things. */
export interface LaunchDarklyDependencies {
  /** Per environment, a data source replacing polling/streaming, e.g. the SDK's TestData `getFactory()`. */
  readonly updateProcessorFor?: (environment: LdEnvironmentOptions) => LDOptions['updateProcessor'] | undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Reads every configured environment through its own short-lived SDK client (started, initialized, read, closed per
 * snapshot, in polling or streaming mode) and, when `api` is configured, the REST API's metadata. Any failure rejects
 * the whole snapshot, naming the environment, so the core never deletes flags because a source was unreachable.
 */
export function createLaunchDarklySource(
  options: LaunchDarklyOptions,
  context: AdapterContext,
  deps: LaunchDarklyDependencies = {},
): FlagSource {
  const provider = context.providerName;
  const projectKey = options.projectKey ?? DEFAULT_PROJECT_KEY;
  const initTimeoutSeconds = options.initTimeoutSeconds ?? DEFAULT_INIT_TIMEOUT_SECONDS;
  const envKey = (env: LdEnvironmentOptions) => env.key ?? env.name;
  const settings: MapSettings = {
    provider,
    projectKey,
    uiBaseUrl: options.uiBaseUrl ?? DEFAULT_UI_BASE_URL,
    onValues: options.onValues ?? {},
    ...(options.api?.issueKeysProperty !== undefined ? { issueKeysProperty: options.api.issueKeysProperty } : {}),
  };

  async function readAll(
    signal: AbortSignal,
  ): Promise<{ envs: EnvironmentFlags[]; metadata?: Map<string, RestFlag>; unusableMetadata: Map<string, string> }> {
    // Per flag key, why its REST item failed its codec; the mapping skips such a flag with this reason.
    const unusableMetadata = new Map<string, string>();
    // One failure stops the other reads early; allSettled still waits for every SDK client to close.
    const inner = new AbortController();
    const stop = () => inner.abort();
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
    const failures: string[] = [];
    const fail = (what: string) => (error: unknown) => {
      // Reads we cancelled after another failure only echo "aborted"; the first real cause is what matters.
      const cancelledByUs =
        inner.signal.aborted &&
        !signal.aborted &&
        ((error instanceof SourceHttpError && error.reason === 'aborted') || messageOf(error) === 'aborted');
      if (!cancelledByUs) failures.push(`${what}: ${messageOf(error)}`);
      inner.abort();
      return undefined;
    };
    const envReads = options.environments.map((env) => {
      const updateProcessor = deps.updateProcessorFor?.(env);
      return readEnvironmentFlags(
        env.sdkKey,
        {
          ...(options.baseUri !== undefined ? { baseUri: options.baseUri } : {}),
          ...((options.streamUri ?? options.baseUri) !== undefined ? { streamUri: options.streamUri ?? options.baseUri } : {}),
          stream: options.stream ?? false,
          initTimeoutSeconds,
          ...(updateProcessor !== undefined ? { updateProcessor } : {}),
        },
        inner.signal,
        context.logger.child({ environment: env.name }),
      ).then(
        ({ flags, skipped }): EnvironmentFlags => ({ name: env.name, key: envKey(env), flags, skipped }),
        fail(`environment "${env.name}"`),
      );
    });
    const api = options.api;
    const metadataRead = api
      ? fetchFlagMetadata(
          {
            baseUrl: api.baseUrl ?? DEFAULT_REST_BASE_URL,
            token: api.token,
            projectKey,
            environmentKeys: options.environments.map(envKey),
            pageSize: api.pageSize ?? 100,
            maxRateLimitWaitSeconds: api.maxRateLimitWaitSeconds ?? 60,
          },
          context.http,
          inner.signal,
          (key, reason) => unusableMetadata.set(key, reason),
        ).catch(fail('REST API'))
      : Promise.resolve(undefined);
    try {
      const [envs, metadata] = await Promise.all([Promise.all(envReads), metadataRead]);
      if (signal.aborted) throw new SourceError(provider, 'snapshot aborted');
      if (failures.length > 0) throw new SourceError(provider, failures.join('; '));
      const read = envs.filter((env): env is EnvironmentFlags => env !== undefined);
      return { envs: read, ...(metadata !== undefined ? { metadata } : {}), unusableMetadata };
    } finally {
      signal.removeEventListener('abort', stop);
    }
  }

  return {
    environments: options.environments.map((env) => env.name),
    // LaunchDarkly itself has no version, and a Relay Proxy's would name the relay, not the flag system.
    product: 'LaunchDarkly',
    watch: watchLaunchDarkly(options, deps.updateProcessorFor, context.logger),
    async snapshot(signal: AbortSignal) {
      const { envs, metadata, unusableMetadata } = await readAll(signal);
      const { flags, skipped } = normalizeLaunchDarklyFlags(envs, metadata, settings, unusableMetadata);
      context.logger.debug({ flags: flags.length, skipped: skipped.length, environments: envs.length }, 'LaunchDarkly snapshot read');
      return { flags, skipped };
    },
  };
}

export const adapter: FlagAdapterFactory<LaunchDarklyOwnOptions> = {
  name: 'launchdarkly',
  version: '2.0.0',
  contractVersion: ADAPTER_CONTRACT_VERSION,
  produces: 'flags',
  optionsCodec: LaunchDarklyOptionsCodec,
  create: (options, context) => createLaunchDarklySource(options, context),
};
