import type * as t from 'io-ts';
import type { Logger } from './logger';
import type { NormalizedFlag, EnvironmentType } from './flag';
import type { DevinfoSnapshotData } from './devinfo';

/**
 * The adapter contract, version 1. A platform team's adapter implements `AdapterFactory`.
 *
 * Rules every adapter keeps:
 * - `snapshot()` resolves with the COMPLETE list of flags, or rejects. Never a partial list: the core deletes in
 *   Jira whatever is missing from a successful snapshot.
 * - Adapters never retry and never talk to Jira; the core owns retries, timeouts, batching and state.
 * - Errors thrown should say what failed (URL, HTTP status, environment) and never include tokens.
 */
export const ADAPTER_CONTRACT_VERSION = 1;

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
  readonly logger: Logger;
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

export interface SourceAdapter {
  /** Names of the environments this adapter reads (for reports and checks). */
  readonly environments: readonly string[];
  /**
   * What the adapter produces; absent means 'flags'. A 'devinfo' adapter implements `snapshotDevinfo` (complete or
   * rejected, like `snapshot`) and its `snapshot` rejects, so it can never be mistaken for an empty flag source.
   */
  readonly produces?: 'flags' | 'devinfo';
  /**
   * The source system and its version, when the adapter knows them (e.g. "Unleash 7.5.0"): sent as
   * `providerMetadata.product` on this provider's requests, for Atlassian's logs. Absent: "flagsync <version>".
   * Read after each snapshot, so a getter may give the version the snapshot learnt (`productName` builds it).
   */
  readonly product?: string;
  /** Reads everything; `signal` aborts when the core's timeout fires or the process is stopping. */
  snapshot(signal: AbortSignal): Promise<FlagSnapshot>;
  /**
   * Optional, for sources whose raw form is cheap to fingerprint. `acceptedSource` is the `sourceFingerprint` of the
   * last run whose every flag Jira accepted (nothing rejected, failed, skipped or held back since). While the source
   * still has that fingerprint the adapter may answer `{ unchanged: true, sourceFingerprint }` without reading the
   * flags; the core then keeps every flag Jira holds for the provider as it is (an unchanged source never deletes).
   * Otherwise it answers exactly as `snapshot` does.
   */
  snapshotUnlessUnchanged?(signal: AbortSignal, acceptedSource: string): Promise<FlagSnapshot | UnchangedSource>;
  snapshotDevinfo?(signal: AbortSignal): Promise<DevinfoSnapshot>;
  /**
   * Optional, for watch mode (`flagsync run --watch`): notice changes to the source until `signal` aborts, and call
   * `onChange` after each one; the core debounces the calls and then syncs this provider alone. Resolve once watching
   * has started (a change made after that is announced); reject only when watching cannot start at all (the provider
   * is then synced on the schedule only). Announce nothing without a change (a 304, the same ETag, event id or file
   * bytes): every call costs a sync. A failed check is logged and retried; it never announces and never throws.
   * `pollIntervalMs` (config `sync.watchPollSeconds`) is how often a watcher that polls asks the source.
   */
  watch?(onChange: () => void, signal: AbortSignal, pollIntervalMs: number): Promise<void>;
  close?(): Promise<void>;
}

export interface AdapterFactory<Options = unknown> {
  readonly name: string;
  readonly version: string;
  readonly contractVersion: typeof ADAPTER_CONTRACT_VERSION;
  /**
   * Decodes the provider's whole config entry (`name`, `adapter`, `environments` and the adapter's own keys),
   * with secrets already resolved. Decoding errors are reported with their path by the config loader.
   */
  readonly optionsCodec: t.Type<Options, unknown, unknown>;
  create(options: Options, context: AdapterContext): SourceAdapter;
}

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
