import type * as t from 'io-ts';
import type { DevinfoReadContext, DevinfoSnapshotData } from './devinfo';
import type { EnvironmentType, NormalizedFlag } from './flag';
import type { Logger } from './logger';
import type { SourceHttp } from './source-http';

/**
 * The adapter contract, version 2. A platform team's adapter module exports an `AdapterFactory` named `adapter`.
 *
 * Rules every adapter keeps:
 * - `snapshot()` resolves with the COMPLETE data, or rejects. Never a partial list: the core deletes in Jira
 *   whatever is missing from a successful snapshot.
 * - Adapters never retry and never talk to Jira; the core owns retries (rate limits included, through
 *   `context.http`), timeouts, batching and state.
 * - Errors thrown should say what failed (URL, HTTP status, environment) and never include tokens.
 *
 * Version 1 adapters (one `SourceAdapter` with a `produces` switch, options codecs decoding the whole entry) still
 * load: the factory's `contractVersion` says which contract it implements.
 */
export const ADAPTER_CONTRACT_VERSION = 2;
/** Every contract version this flagsync loads. */
export const SUPPORTED_CONTRACT_VERSIONS: readonly number[] = [1, 2];

/** One environment as configured for a provider: its name in the provider, its Jira type and adapter options. */
export interface EnvironmentConfig {
  readonly name: string;
  readonly type?: EnvironmentType;
  readonly [option: string]: unknown;
}

export interface AdapterContext {
  /** The provider's name from config; put it in every NormalizedFlag.provider. */
  readonly providerName: string;
  /** Directory of the config file, to resolve relative paths in options. */
  readonly configDir: string;
  /**
   * The folder flagsync keeps its data in, the state file's (by default `.flagsync` beside the config; in the
   * container image `$FLAGSYNC_STATE_PATH`'s, a volume): where an adapter may keep caches, such as clones of remote
   * repositories, in a subfolder of its own. Writable where the config's folder often is not (a read-only mount, a ConfigMap); it may
   * not exist yet (create it). Absent with hosts that predate it (and in tests that leave it out): fall back to a
   * folder under `configDir` then.
   */
  readonly dataDir?: string;
  readonly logger: Logger;
  /**
   * HTTP GETs for reading the source: JSON decoded with a codec, one error type naming URL and status, abort and
   * timeout, and rate limits (429, Retry-After) waited out by the core. Given to version 2 adapters.
   */
  readonly http: SourceHttp;
}

/** A flag the source has but the adapter could not read (bad data): reported, and never deleted in Jira for that. */
export interface SkippedFlag {
  readonly key: string;
  readonly reason: string;
}

export interface FlagSnapshot {
  readonly flags: readonly NormalizedFlag[];
  /**
   * Flags present in the source whose data was unusable. Listing them (rather than leaving them out) keeps the rest
   * of the snapshot usable without the core taking the missing flags for deleted ones.
   */
  readonly skipped?: readonly SkippedFlag[];
  /**
   * Optional: a fingerprint of the raw source this snapshot was read from (bytes hashed, an ETag, a change
   * counter) and of the adapter's own mapping settings. Given, the core remembers it after a run Jira fully
   * accepted and passes it back to `snapshotUnlessUnchanged`, so an unchanged source need not be parsed.
   */
  readonly sourceFingerprint?: string;
}

/** "The source is byte for byte what the last fully accepted run read": only from `snapshotUnlessUnchanged`. */
export interface UnchangedSource {
  readonly unchanged: true;
  readonly sourceFingerprint: string;
}

/** Development information (repositories with branches and commits), e.g. from adapters/git. */
export type DevinfoSnapshot = DevinfoSnapshotData;

/**
 * The source system and its version, when the adapter knows them (e.g. "Unleash 7.5.0"): sent as
 * `providerMetadata.product` on this provider's requests, for Atlassian's logs. Absent: "flagsync <version>".
 * Read after each snapshot, so a getter may give the version the snapshot learnt (`productName` builds it).
 */
interface Product {
  readonly product?: string;
}

/** What every source may do besides reading: say what it is, announce changes, release what it holds. */
interface SourceExtras extends Product {
  /**
   * Optional, for watch mode (`flagsync run --watch`): notice changes to the source until `signal` aborts, and call
   * `onChange` after each one; the core debounces the calls and then syncs this provider alone. Resolve once watching
   * has started (a change made after that is announced); reject only when watching cannot start at all (the provider
   * is then synced on the schedule only). Announce nothing without a change (a 304, the same ETag, event id or file
   * bytes): every call costs a sync. A failed check is logged and retried; it never announces and never throws.
   * `pollIntervalMs` (config `sync.watchPollSeconds`) is how often a watcher that polls asks the source.
   */
  readonly watch?: (onChange: () => void, signal: AbortSignal, pollIntervalMs: number) => Promise<void>;
  readonly close?: () => Promise<void>;
  /**
   * Optional, with `snapshotUnlessUnchanged`: true while the source still has `acceptedSource` as its fingerprint,
   * answered cheaply (bytes hashed, an ETag asked, refs listed) without reading what it holds. The core asks first
   * when it could end the run without loading state: a source that changed then has state loaded before its
   * snapshot is parsed, which keeps the run's peak memory lower. A failure counts as "changed". The answer stands
   * for the run: a source found unchanged is not read, one found changed is read with `snapshot` (not asked again).
   * Asked only of an adapter that also has `snapshotUnlessUnchanged`.
   */
  readonly isUnchanged?: (signal: AbortSignal, acceptedSource: string) => Promise<boolean>;
}

/** A source of feature flags. */
export interface FlagSource extends SourceExtras {
  /** Names of the environments this source reads (for reports and checks). */
  readonly environments: readonly string[];
  /** Reads every flag; `signal` aborts when the core's timeout fires or the process is stopping. */
  readonly snapshot: (signal: AbortSignal) => Promise<FlagSnapshot>;
  /**
   * Optional, for sources whose raw form is cheap to fingerprint. `acceptedSource` is the `sourceFingerprint` of the
   * last run whose every flag Jira accepted (nothing rejected, failed, skipped or held back since). While the source
   * still has that fingerprint the adapter may answer `{ unchanged: true, sourceFingerprint }` without reading the
   * flags; the core then keeps every flag Jira holds for the provider as it is (an unchanged source never deletes).
   * Otherwise it answers exactly as `snapshot` does.
   */
  readonly snapshotUnlessUnchanged?: (signal: AbortSignal, acceptedSource: string) => Promise<FlagSnapshot | UnchangedSource>;
}

/** A source of development information: repositories with their branches and recent commits. */
export interface DevinfoSource extends SourceExtras {
  /**
   * Reads every repository, complete or rejected, like a flag snapshot. `read` (absent from older hosts) gives each
   * repository's cursor from its last read Jira answered in full (DevRepository.cursor).
   */
  readonly snapshot: (signal: AbortSignal, read?: DevinfoReadContext) => Promise<DevinfoSnapshot>;
  /** As FlagSource.snapshotUnlessUnchanged: `{ unchanged: true, sourceFingerprint }` while nothing changed. */
  readonly snapshotUnlessUnchanged?: (
    signal: AbortSignal,
    acceptedSource: string,
    read?: DevinfoReadContext,
  ) => Promise<DevinfoSnapshot | UnchangedSource>;
}

/**
 * A configured environment as the core decoded it (`name`, `type`), with the adapter's own keys for it.
 * `Own` is what the adapter's options codec declares for `environments[i]`.
 */
export type ProviderEnvironment<Own = unknown> = Own & { readonly name: string; readonly type?: EnvironmentType };

/** Declared required (`t.type`) or optional (`t.partial`): the core always hands `create` the environments. */
type OwnEnvironment<Options> = Options extends { readonly environments?: ReadonlyArray<infer E> | undefined } ? E : unknown;

/**
 * What `create` receives: the adapter's own options as its codec decoded them, with the shared provider fields the
 * core decoded and checked (`name`, `adapter`, `environments` with unique names and their types).
 */
export type ProviderOptions<Options> = Omit<Options, 'name' | 'adapter' | 'environments'> & {
  readonly name: string;
  readonly adapter: string;
  readonly environments: ReadonlyArray<ProviderEnvironment<OwnEnvironment<Options>>>;
};

interface FactoryBase<Options> {
  readonly name: string;
  readonly version: string;
  readonly contractVersion: typeof ADAPTER_CONTRACT_VERSION;
  /**
   * Decodes the adapter's OWN keys of the provider's config entry (secrets already resolved), and of its
   * environments when it has any (`environments: t.array(t.partial({ namespace: … }))`). The core decodes the
   * shared ones (`name`, `adapter`, `environments[].name`/`type`, `linking`, `timeoutSeconds`), checks that
   * environment names are unique and that a flag source has at least one. Errors are reported with their path.
   */
  readonly optionsCodec: t.Type<Options, unknown, unknown>;
}

export interface FlagAdapterFactory<Options = unknown> extends FactoryBase<Options> {
  readonly produces: 'flags';
  readonly create: (options: ProviderOptions<Options>, context: AdapterContext) => FlagSource;
}

export interface DevinfoAdapterFactory<Options = unknown> extends FactoryBase<Options> {
  readonly produces: 'devinfo';
  readonly create: (options: ProviderOptions<Options>, context: AdapterContext) => DevinfoSource;
}

export type AdapterFactory<Options = unknown> = FlagAdapterFactory<Options> | DevinfoAdapterFactory<Options>;

/** A provider's source, typed by what it produces (how the core holds any adapter once created). */
export type ProviderSource =
  { readonly produces: 'flags'; readonly source: FlagSource } | { readonly produces: 'devinfo'; readonly source: DevinfoSource };

/**
 * A source failed: carries the provider name so the run summary can say which and why. `detail` is the message
 * without the provider's name (the summary already shows it beside the message).
 */
export class SourceError extends Error {
  readonly detail: string;

  constructor(
    readonly provider: string,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(`${provider}: ${message}`);
    this.name = 'SourceError';
    this.detail = message;
  }
}
