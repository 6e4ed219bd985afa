import * as t from 'io-ts';
import { MAX_CONFIG_PROPERTIES, PROVIDER_PROPERTY } from '../model/properties';
import { annotate, annotationOf, describe, refine, withDefault, type CheckProblem } from './annotations';
import {
  Bool,
  CloudId,
  CronExpression,
  EnvironmentTypeCodec,
  HttpUrl,
  ListenHost,
  integerRange,
  JiraPropertyKey,
  JiraPropertyValue,
  LogLevelCodec,
  Name,
  NonEmptyString,
  numberRange,
  PositiveSeconds,
  PostgresUrl,
  SiteHost,
} from './scalars';

/**
 * The config file's shape, as io-ts codecs. They decode the file (after secret references are resolved), fill
 * defaults, and are the single source of config/flagsync.schema.json (see json-schema.ts).
 */
export const DEFAULT_TOKEN_URL = 'https://api.atlassian.com/oauth/token';
export const DEFAULT_API_BASE_URL = 'https://api.atlassian.com';
import { DEFAULT_SCHEDULE } from './scalars';
export { DEFAULT_SCHEDULE };
export const DEFAULT_STATE_PATH = './.flagsync/state.json';
export { INIT_PLACEHOLDER_SITE } from './scalars';

const MAPPING = 'a mapping';

/** An object with required and optional keys; both halves share one name so a non-object gives one problem line. */
function section<R extends t.Props, O extends t.Props>(required: R, optional: O, description?: string) {
  const codec = t.intersection([t.type(required, MAPPING), t.partial(optional, MAPPING)], MAPPING);
  return description === undefined ? codec : annotate(codec, { description });
}

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);

// t.record silently drops keys its domain rejects, so bad keys are reported here.
const JiraPropertiesCodec = refine(
  t.record(t.string, JiraPropertyValue, MAPPING),
  (u) => {
    if (!isRecord(u)) return [];
    const keys = Object.keys(u);
    const bad: CheckProblem[] = keys
      .filter((k) => !JiraPropertyKey.is(k))
      .map((k) => ({ at: k, value: k, expected: JiraPropertyKey.name }));
    if (keys.includes(PROVIDER_PROPERTY))
      bad.push({ at: PROVIDER_PROPERTY, value: PROVIDER_PROPERTY, expected: 'another key (flagsync sets this one itself)' });
    const tooMany = keys.length > MAX_CONFIG_PROPERTIES;
    return tooMany
      ? [...bad, { expected: `at most ${MAX_CONFIG_PROPERTIES} properties (Jira takes 5; flagsync adds ${PROVIDER_PROPERTY})` }]
      : bad;
  },
  { maxProperties: MAX_CONFIG_PROPERTIES, propertyNames: { ...annotationOf(JiraPropertyKey).schema, not: { const: PROVIDER_PROPERTY } } },
);

export const JiraCodec = refine(
  section(
    {
      clientId: describe(NonEmptyString, 'OAuth 2.0 client id of the Jira "OAuth credentials"; e.g. ${env:JIRA_CLIENT_ID}'),
      clientSecret: describe(NonEmptyString, 'OAuth 2.0 client secret; use a reference: ${env:NAME} or ${file:path}'),
      tokenUrl: withDefault(HttpUrl, DEFAULT_TOKEN_URL, 'OAuth 2.0 token endpoint'),
      apiBaseUrl: withDefault(HttpUrl, DEFAULT_API_BASE_URL, 'Base URL of the Jira DevOps APIs (2LO proxy)'),
      concurrency: withDefault(integerRange(1, 16), 4, 'Concurrent requests to Jira'),
      maxAttempts: withDefault(integerRange(1, 20), 6, 'Attempts per request, including the first'),
      requestTimeoutSeconds: withDefault(PositiveSeconds, 30, 'Timeout of one request to Jira'),
      maxConsecutiveFailures: withDefault(
        integerRange(1, 1000),
        3,
        'Requests in a row that may end without a usable answer (retries exhausted, 404, 413 for one entity) before the run stops',
      ),
    },
    {
      site: describe(SiteHost, 'Jira site (acme.atlassian.net or its URL), used to look the cloud id up; or set cloudId'),
      cloudId: describe(CloudId, 'Cloud id of the Jira site; or set site'),
      properties: describe(JiraPropertiesCodec, 'Jira `properties` put on everything sent (at most 5), for cleanup by property'),
    },
    'Jira Software Cloud site and OAuth 2.0 client credentials (2LO)',
  ),
  (u) =>
    isRecord(u) && u['site'] === undefined && u['cloudId'] === undefined
      ? [{ expected: 'site or cloudId (one of the two is required)' }]
      : [],
  { anyOf: [{ required: ['site'] }, { required: ['cloudId'] }] },
);

const StateStoreCodec = t.keyof({ file: null, postgres: null }, 'one of file, postgres');

const StateCodec = refine(
  section(
    {
      store: withDefault(
        StateStoreCodec,
        'file',
        'file: a JSON file at `path`; postgres: tables in the database at `url` (shared by replicas)',
      ),
      path: withDefault(
        NonEmptyString,
        DEFAULT_STATE_PATH,
        "State file (file store; also where the spool folder goes by default); relative to the config file's folder. Default: $FLAGSYNC_STATE_PATH when set, else ./.flagsync/state.json",
      ),
    },
    {
      url: describe(
        PostgresUrl,
        'PostgreSQL connection URL for store: postgres; use a reference, e.g. ${env:DATABASE_URL}. Tables are created on first use',
      ),
    },
    'Where flagsync records what Jira accepted, its runs, and the lock that keeps one writer at a time',
  ),
  (u) => {
    if (!isRecord(u)) return [];
    if (u['store'] === 'postgres' && u['url'] === undefined) return [{ expected: 'url (a PostgreSQL URL) with store: postgres' }];
    // A URL without `store: postgres` would leave state in a file: each replica its own, on a volume that may not last.
    if ((u['store'] === undefined || u['store'] === 'file') && u['url'] !== undefined)
      return [{ expected: 'no url unless store: postgres (add store: postgres to keep state in PostgreSQL)' }];
    return [];
  },
  {
    allOf: [
      { if: { properties: { store: { const: 'postgres' } }, required: ['store'] }, then: { required: ['url'] } },
      { if: { not: { properties: { store: { const: 'postgres' } }, required: ['store'] } }, then: { not: { required: ['url'] } } },
    ],
  },
);

const SpoolCodec = section(
  {},
  {
    path: describe(
      NonEmptyString,
      'Folder where `send --spool` keeps builds and deployments while Jira is unreachable, and from which every run delivers them; default: a spool folder beside the state file',
    ),
  },
  'Where undeliverable builds and deployments wait',
);

const MetricsCodec = section(
  {
    host: withDefault(ListenHost, '0.0.0.0', 'Address the metrics server listens on'),
    readyPeriods: withDefault(
      integerRange(1, 10000),
      3,
      'GET /readyz answers 200 while the last run of any replica succeeded and ended within this many schedule periods',
    ),
  },
  {
    port: describe(
      integerRange(0, 65535),
      'Port of GET /metrics (Prometheus), GET /healthz (liveness) and GET /readyz (readiness) for `flagsync run`; off when not set',
    ),
  },
  'Prometheus metrics and health checks for the daemon',
);

const SyncCodec = section(
  {
    massDeleteThreshold: withDefault(
      numberRange(0, 1),
      0.2,
      "Share (0..1) of one provider's flags a run may delete without --allow-mass-delete",
    ),
    massDeleteMinimum: withDefault(
      integerRange(0, 1_000_000),
      10,
      "Deletes of up to this many of one provider's flags in one run are never held back; the guard holds back a run's deletes only when they are more than this AND more than massDeleteThreshold",
    ),
    providerTimeoutSeconds: withDefault(PositiveSeconds, 120, 'How long one provider may take to read its flags'),
    runTimeoutSeconds: withDefault(
      PositiveSeconds,
      3600,
      'How long one run may take; then it stops as on SIGTERM (the batch in flight finishes, state is saved) and exits 1',
    ),
    watchDebounceMs: withDefault(
      integerRange(0, 60_000),
      1000,
      'Watch mode: changes announced within this many milliseconds of each other make one sync of their provider',
    ),
    watchPollSeconds: withDefault(
      PositiveSeconds,
      5,
      'Watch mode: how often a provider that polls for changes asks its source (a conditional request; a 304 costs nothing)',
    ),
  },
  {},
  'Safety limits of a sync run',
);

const LogCodec = section({ level: withDefault(LogLevelCodec, 'info', 'Least severe level written') }, {}, 'Logging (JSON on stderr)');

const LinkingCodec = section(
  {
    tags: withDefault(Bool, true, 'Look for issue keys in tags'),
    key: withDefault(Bool, true, 'Look for issue keys in the flag key'),
    name: withDefault(Bool, true, 'Look for issue keys in the flag name'),
    description: withDefault(Bool, true, 'Look for issue keys in the flag description'),
  },
  {
    tagTypes: describe(
      t.array(NonEmptyString, 'a list of tag types'),
      'When set, only tags of these types ("type:value", the type in any case) count, their values in any case; default: jira/issue/issues/ticket tags in any case, others only as upper-case keys',
    ),
    ignoreCase: describe(Bool, 'Also accept a lower-case issue key at the start of the flag key (proj-12-checkout → PROJ-12)'),
  },
  'Where to look for Jira issue keys',
);

export const EnvironmentCodec = annotate(
  section(
    { name: describe(NonEmptyString, "The environment's name in the provider") },
    { type: describe(EnvironmentTypeCodec, 'Jira environment type') },
  ),
  { open: true, description: 'An environment; adapter-specific keys are allowed' },
);

export const ProviderCodec = annotate(
  section(
    {
      name: describe(Name, 'Unique name of this provider'),
      adapter: describe(NonEmptyString, 'Adapter name from the adapter registry (e.g. flagd, unleash, launchdarkly)'),
      linking: withDefault(LinkingCodec, {}),
      environments: withDefault(t.array(EnvironmentCodec, 'a list of environments'), []),
    },
    { timeoutSeconds: describe(PositiveSeconds, 'Overrides sync.providerTimeoutSeconds') },
  ),
  { open: true, description: 'A flag source; adapter-specific keys (url, adminToken, baseUri, ...) are allowed' },
);

// `run` and `plan` need at least one provider; a config used only by `flagsync send` in CI jobs needs none.
const ProvidersCodec = withDefault(
  t.array(ProviderCodec, 'a list of providers'),
  [],
  'Flag and devinfo sources, each read by the adapter it names (run and plan need at least one)',
);

export const ConfigFileCodec = section(
  {
    jira: JiraCodec,
    schedule: withDefault(CronExpression, DEFAULT_SCHEDULE, 'When the daemon syncs (node-cron syntax)'),
    watch: withDefault(
      Bool,
      false,
      'The daemon also syncs a provider alone shortly after its source changes (as `flagsync run --watch`); the schedule still runs full syncs',
    ),
    state: withDefault(StateCodec, {}),
    spool: withDefault(SpoolCodec, {}),
    sync: withDefault(SyncCodec, {}),
    log: withDefault(LogCodec, {}),
    metrics: withDefault(MetricsCodec, {}),
    providers: ProvidersCodec,
  },
  {},
);

export type ConfigFile = t.TypeOf<typeof ConfigFileCodec>;
export type ProviderEntry = t.TypeOf<typeof ProviderCodec>;
