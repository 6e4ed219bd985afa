import {
  ADAPTER_CONTRACT_VERSION,
  type AdapterContext,
  type FlagAdapterFactory,
  type FlagSnapshot,
  type FlagSource,
  type UnchangedSource,
} from '../../src/kit';
import type { LDOptions } from '@launchdarkly/node-server-sdk';
import { acceptedDigests, fingerprintOf, fingerprintPrefix } from './fingerprint';
import type { MapSettings } from './map';
import {
  DEFAULT_INIT_TIMEOUT_SECONDS,
  DEFAULT_PROJECT_KEY,
  DEFAULT_UI_BASE_URL,
  LaunchDarklyOptionsCodec,
  type LaunchDarklyOptions,
  type LaunchDarklyOwnOptions,
  type LdEnvironmentOptions,
} from './options';
import { readEnvironments, type MappedRead, type ReadPlan } from './read';
import { fetchFlagMetadata } from './rest-api';
import { readEnvironmentItems } from './sdk-source';
import { watchLaunchDarkly } from './watch';

export { LaunchDarklyOptionsCodec, type LaunchDarklyOptions } from './options';
export { normalizeLaunchDarklyFlags } from './join';

const DEFAULT_REST_BASE_URL = 'https://app.launchdarkly.com';

/** What tests (or an embedding program) may swap in; the config-driven factory uses the real things. */
export interface LaunchDarklyDependencies {
  /** Per environment, a data source replacing polling/streaming, e.g. the SDK's TestData `getFactory()`. */
  readonly updateProcessorFor?: (environment: LdEnvironmentOptions) => LDOptions['updateProcessor'] | undefined;
}

/**
 * Reads every configured environment through its own short-lived SDK client (started, initialized, read, closed per
 * snapshot, in polling or streaming mode, one environment after the other) and, when `api` is configured, the REST
 * API's metadata. Any failure rejects the whole snapshot, naming the environment, so the core never deletes flags
 * because a source was unreachable. Without the REST API, a source whose flag versions are those of the last fully
 * accepted run is answered "unchanged" without being mapped (see fingerprint.ts).
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
  const uiBaseUrl = options.uiBaseUrl ?? DEFAULT_UI_BASE_URL;
  const settings: MapSettings = {
    provider,
    projectKey,
    uiBaseUrl,
    onValues: options.onValues ?? {},
    ...(options.api?.issueKeysProperty !== undefined ? { issueKeysProperty: options.api.issueKeysProperty } : {}),
  };
  const prefix = fingerprintPrefix(options, projectKey, uiBaseUrl);
  const api = options.api;
  const plan: ReadPlan = {
    provider,
    settings,
    fingerprinted: prefix !== undefined,
    environments: options.environments.map((env) => ({
      name: env.name,
      key: envKey(env),
      read: (signal: AbortSignal) => {
        const updateProcessor = deps.updateProcessorFor?.(env);
        return readEnvironmentItems(
          env.sdkKey,
          {
            ...(options.baseUri !== undefined ? { baseUri: options.baseUri } : {}),
            ...((options.streamUri ?? options.baseUri) !== undefined ? { streamUri: options.streamUri ?? options.baseUri } : {}),
            stream: options.stream ?? false,
            initTimeoutSeconds,
            ...(updateProcessor !== undefined ? { updateProcessor } : {}),
          },
          signal,
          context.logger.child({ environment: env.name }),
        );
      },
    })),
    ...(api !== undefined && {
      metadata: (signal: AbortSignal, onUnusable: (key: string, reason: string) => void) =>
        fetchFlagMetadata(
          {
            baseUrl: api.baseUrl ?? DEFAULT_REST_BASE_URL,
            token: api.token,
            projectKey,
            environmentKeys: options.environments.map(envKey),
            pageSize: api.pageSize ?? 100,
            maxRateLimitWaitSeconds: api.maxRateLimitWaitSeconds ?? 60,
          },
          context.http,
          signal,
          onUnusable,
        ),
    }),
  };

  const snapshotOf = ({ flags, skipped, digests }: MappedRead): FlagSnapshot => {
    context.logger.debug({ flags: flags.length, skipped: skipped.length, environments: digests.length }, 'LaunchDarkly snapshot read');
    const sourceFingerprint = prefix !== undefined ? fingerprintOf(prefix, digests) : undefined;
    return { flags, skipped, ...(sourceFingerprint !== undefined && { sourceFingerprint }) };
  };

  return {
    environments: options.environments.map((env) => env.name),
    // LaunchDarkly itself has no version, and a Relay Proxy's would name the relay, not the flag system.
    product: 'LaunchDarkly',
    watch: watchLaunchDarkly(options, deps.updateProcessorFor, context.logger),
    snapshot: async (signal: AbortSignal) => snapshotOf(await readEnvironments(plan, signal)),
    ...(prefix !== undefined && {
      async snapshotUnlessUnchanged(signal: AbortSignal, acceptedSource: string): Promise<FlagSnapshot | UnchangedSource> {
        const accepted = acceptedDigests(prefix, acceptedSource, plan.environments.length);
        if (accepted === undefined) return snapshotOf(await readEnvironments(plan, signal));
        const result = await readEnvironments(plan, signal, accepted);
        if (!result.unchanged) return snapshotOf(result);
        // Every environment's digest is the accepted one, so the fingerprint is the accepted one.
        context.logger.debug({ environments: accepted.length }, 'LaunchDarkly source unchanged: flag versions as last accepted');
        return { unchanged: true, sourceFingerprint: acceptedSource };
      },
    }),
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
