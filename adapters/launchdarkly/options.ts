import * as t from 'io-ts';
import { HttpUrl, NonEmptyString, type ProviderOptions } from '../../src/kit';

/**
 * The LaunchDarkly adapter's own keys of a provider entry; the core decodes `name`, `adapter`, each environment's
 * `name` and `type`, and requires at least one environment. Non-exact codecs: the core checks unknown keys.
 * Branded/refined codecs carry readable names because the config loader prints them.
 */
const PositiveNumber = new t.Type<number, number, unknown>(
  'a positive number',
  (u): u is number => typeof u === 'number' && Number.isFinite(u) && u > 0,
  (u, c) => (typeof u === 'number' && Number.isFinite(u) && u > 0 ? t.success(u) : t.failure(u, c)),
  t.identity,
);

const PageSize = new t.Type<number, number, unknown>(
  'an integer from 1 to 100',
  (u): u is number => Number.isInteger(u) && (u as number) >= 1 && (u as number) <= 100,
  (u, c) => (Number.isInteger(u) && (u as number) >= 1 && (u as number) <= 100 ? t.success(u as number) : t.failure(u, c)),
  t.identity,
);

export const LdEnvironmentCodec = t.intersection([
  t.type({ sdkKey: NonEmptyString }),
  t.partial({
    /** The environment's key in LaunchDarkly (UI links, REST `env` filter); defaults to `name`. */
    key: NonEmptyString,
  }),
]);

export const LdRestApiCodec = t.intersection([
  t.type({ token: NonEmptyString }),
  t.partial({
    /** Default https://app.launchdarkly.com (EU: https://app.eu.launchdarkly.com, federal: https://app.launchdarkly.us). */
    baseUrl: HttpUrl,
    pageSize: PageSize,
    /** Longest wait the adapter accepts for a rate-limit reset or Retry-After before failing (default 60). */
    maxRateLimitWaitSeconds: PositiveNumber,
    /** A flag custom property whose values are Jira issue keys (e.g. "jira.issues"); off unless set. */
    issueKeysProperty: NonEmptyString,
  }),
]);

export const LaunchDarklyOptionsCodec = t.intersection([
  t.type({ environments: t.array(LdEnvironmentCodec) }),
  t.partial({
    /** SDK polling base URI: the Relay Proxy, or LaunchDarkly (default https://sdk.launchdarkly.com). */
    baseUri: HttpUrl,
    /** Streaming URI; defaults to baseUri when that is set (the Relay Proxy serves both). */
    streamUri: HttpUrl,
    /** true = the SDK's streaming data source; false (default) = one polling request per environment. */
    stream: t.boolean,
    projectKey: NonEmptyString,
    /** Base of links to the LaunchDarkly UI (default https://app.launchdarkly.com). */
    uiBaseUrl: HttpUrl,
    /** How long one environment may take to initialize before the snapshot fails (default 10). */
    initTimeoutSeconds: PositiveNumber,
    /** Per flag key, the variation values that count as "on" for rollout percentages of multivariate flags. */
    onValues: t.record(t.string, t.array(t.unknown)),
    api: LdRestApiCodec,
  }),
]);

export type LaunchDarklyOwnOptions = t.TypeOf<typeof LaunchDarklyOptionsCodec>;
/** The options as `create` gets them: these keys, with the shared provider fields merged in by the core. */
export type LaunchDarklyOptions = ProviderOptions<LaunchDarklyOwnOptions>;
export type LdEnvironmentOptions = LaunchDarklyOptions['environments'][number];
export type LdRestApiOptions = t.TypeOf<typeof LdRestApiCodec>;

export const DEFAULT_SDK_BASE_URI = 'https://sdk.launchdarkly.com';
export const DEFAULT_STREAM_URI = 'https://stream.launchdarkly.com';
export const DEFAULT_UI_BASE_URL = 'https://app.launchdarkly.com';
export const DEFAULT_PROJECT_KEY = 'default';
export const DEFAULT_INIT_TIMEOUT_SECONDS = 10;
