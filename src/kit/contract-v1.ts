import type * as t from 'io-ts';
import type { AdapterContext, AdapterFactory, DevinfoSnapshot, FlagSnapshot, UnchangedSource } from './contract';
import type { DevinfoReadContext } from './devinfo';

/**
 * The adapter contract, version 1, as adapters written for it still load (see docs/adapters.md, "Moving to v2").
 * One interface for every source, with a `produces` switch, and an options codec decoding the whole config entry.
 */
export interface SourceAdapter {
  readonly environments: readonly string[];
  /** Absent means 'flags'. A 'devinfo' adapter implements `snapshotDevinfo`, and its `snapshot` rejects. */
  readonly produces?: 'flags' | 'devinfo';
  readonly product?: string;
  snapshot(signal: AbortSignal): Promise<FlagSnapshot>;
  snapshotUnlessUnchanged?(signal: AbortSignal, acceptedSource: string): Promise<FlagSnapshot | UnchangedSource>;
  /** `read`: each repository's cursor, as for a version 2 DevinfoSource (passed to version 1 adapters too). */
  snapshotDevinfo?(signal: AbortSignal, read?: DevinfoReadContext): Promise<DevinfoSnapshot>;
  watch?(onChange: () => void, signal: AbortSignal, pollIntervalMs: number): Promise<void>;
  close?(): Promise<void>;
}

export interface AdapterFactoryV1<Options = unknown> {
  readonly name: string;
  readonly version: string;
  readonly contractVersion: 1;
  /** Decodes the provider's whole config entry (`name`, `adapter`, `environments` and the adapter's own keys). */
  readonly optionsCodec: t.Type<Options, unknown, unknown>;
  /** Version 1 adapters get no `http` (they bring their own); the rest of the context is the same. */
  create(options: Options, context: Omit<AdapterContext, 'http'>): SourceAdapter;
}

/** A factory of any contract version this flagsync loads; `contractVersion` tells them apart. */
export type AnyAdapterFactory<Options = unknown> = AdapterFactory<Options> | AdapterFactoryV1<Options>;
