import * as t from 'io-ts';
import { HttpUrl, NonEmptyString } from '../../src/kit';

/**
 * The provider's config entry. Non-exact codecs: the core checks its own keys (`timeoutSeconds`, `linking`) and
 * unknown keys. Branded/refined codecs carry readable names because the config loader prints them.
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
  t.type({ name: NonEmptyString, sdkKey: NonEmptyString }),
  t.partial({
    /** The environment's key in LaunchDarkly (UI links, REST `env` filter); defaults to `name`. */
    key: NonEmptyString,
  }),
]);

const NonEmptyList = new t.Type<readonly unknown[], readonly unknown[], unknown>(
  'a non-empty list of environments',
  (u): u is readonly unknown[] => Array.isArray(u) && u.length > 0,
  (u, c) => (Array.isArray(u) && u.length > 0 ? t.success(u) : t.failure(u, c)),
  t.identity,
);

// An intersection keeps the array's own error paths (environments[0].sdkKey) while adding the emptiness check.
const NonEmptyEnvironments = t.intersection([t.array(LdEnvironmentCodec), NonEmptyList]);

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
  t.type({ name: t.string, environments: NonEmptyEnvironments }),
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

export type LaunchDarklyOptions = t.TypeOf<typeof LaunchDarklyOptionsCodec>;
export type LdEnvironmentOptions = t.TypeOf<typeof LdEnvironmentCodec>;
export type LdRestApiOptions = t.TypeOf<typeof LdRestApiCodec>;

export const DEFAULT_SDK_BASE_URI = 'https://sdk.launchdarkly.com';
export const DEFAULT_STREAM_URI = 'https://stream.launchdarkly.com';
export const DEFAULT_UI_BASE_URL = 'https://app.launchdarkly.com';
export const DEFAULT_PROJECT_KEY = 'default';
export const DEFAULT_INIT_TIMEOUT_SECONDS = 10;
