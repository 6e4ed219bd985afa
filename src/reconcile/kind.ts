import type { EntityOutcome, KindDescription, KindName } from '../jira/types';
import type { ProviderResult } from './apply';
import type { ProviderDesired } from './desired';
import type { PlannedWrite } from './plan';
import type { ProviderRuntime } from './provider';
import type { EntityRecord, SyncState } from './state';
import type { StateLedger } from './state-ledger';

/** What one provider gave this run: its checked data, or why it contributes nothing. */
export type CollectedSource<S> =
  | { readonly provider: ProviderRuntime; readonly ok: true; readonly data: S; readonly ms: number }
  | { readonly provider: ProviderRuntime; readonly ok: false; readonly error: string; readonly ms: number };

export interface DesireContext {
  /** Source fingerprint of what Jira last accepted for an entity id (see desired-flags.ts). */
  readonly acceptedInput: (id: string) => string | undefined;
  /** Jira `properties` sent with every request of the run. */
  readonly properties?: Readonly<Record<string, string>>;
  /** State as loaded (read-only): what Jira holds for a provider whose source was not read again. */
  readonly state: SyncState;
}

/** What a read says about its source, for skipping an unchanged source next run (source-skip.ts). */
export interface SourceReport {
  /** The adapter's fingerprint of its raw source, if it gives one. */
  readonly fingerprint?: string;
  /** The source was not read: it is as the last fully accepted run read it. */
  readonly unchanged: boolean;
  /** Every entity of the source was usable (nothing skipped for bad data). */
  readonly complete: boolean;
}

/** A kind whose sources may be skipped while unchanged (feature flags). */
export interface SourceSkipping<S> {
  /** Key of what decides the entities besides the source itself (mapping settings): a change re-reads the source. */
  readonly settingsKey: (provider: ProviderRuntime, properties?: Readonly<Record<string, string>>) => string;
  readonly report: (data: S) => SourceReport;
  /** False when skipping cannot be vouched for with these providers (each provider is then read every run). */
  readonly appliesTo?: (providers: readonly ProviderRuntime[]) => boolean;
  /** What a read of a source still at `fingerprint` gives, for a source whose `isUnchanged` already said so. */
  readonly unchangedData: (fingerprint: string) => S;
}

/** What a packer may consult besides the writes: state as the run found it, and whose writes they are. */
export interface PackContext {
  readonly state: SyncState;
  readonly provider: string;
}

/** How a run that sent (not a dry run) went, for what a kind keeps in state besides its entity records. */
export interface RunOutcome {
  /** Per provider whose source was read in full (not skipped as unchanged): what the kind's `listed` gave. */
  readonly listed: ReadonlyMap<string, ReadonlyMap<string, string | undefined>>;
  /** Per provider, the ids held back for problems of their own (not sent, kept in Jira as they are). */
  readonly kept: ReadonlyMap<string, ReadonlySet<string>>;
  readonly results: readonly ProviderResult[];
  /**
   * This kind's providers in the config (the run's); undefined when the run was scoped to some (the others are left
   * alone). A provider of another kind with the same name holds none of this kind's records.
   */
  readonly providers?: readonly string[];
  /** When the run began (ISO 8601), before it read any source: the time a first sync done now is recorded with. */
  readonly now: string;
}

/** Devinfo: which repositories had their first sync, the one sent as a backfill (devinfo-send-mode.ts). */
export interface FirstSyncs<S> {
  /**
   * The repositories a source read in full lists (every one, linked or not), each with the adapter's cursor of this
   * read (if it gave one); undefined for a source not read.
   */
  readonly listed: (data: S) => ReadonlyMap<string, string | undefined> | undefined;
  /** After the sends: records the repositories whose first sync is done, drops those no longer configured. */
  readonly record: (ledger: StateLedger, outcome: RunOutcome) => void;
}

/** A planned write with its sequence id and its stamped, Jira-ready part. */
export interface StampedWrite<P, M> {
  readonly write: PlannedWrite<P>;
  readonly sequence: number;
  readonly stamped: M;
}

/**
 * One entity of a request and the planned writes it carries: one write for a flag, a repository's share of
 * commits and branches for devinfo. Jira answers per request entity; the kind's `unpack` turns that into one
 * outcome per write.
 */
export interface Packet<P, M, E> {
  readonly entity: E;
  readonly members: readonly StampedWrite<P, M>[];
}

/**
 * Everything the one reconcile pipeline (collect → desire → plan → apply → record) needs to know about a kind.
 * S: what a provider's read yields once checked; P: a desired entity's unstamped payload; M: a payload stamped with
 * its sequence id; E: the entity a Jira request carries.
 */
export interface ReconcileKind<S, P, M, E> {
  /** The kind's records in state. */
  readonly name: KindName;
  /** How requests are sent and answered. */
  readonly submitAs: KindDescription<E>;
  /** How one state id is deleted in Jira (devinfo deletes branches, not the repositories it submits). */
  readonly deleteAs: KindDescription<E>;
  /**
   * Reads one provider and checks what it returned; throws when the provider cannot be used this run.
   * `acceptedSource`: the source fingerprint of the last fully accepted run, for kinds with `sourceSkipping`.
   * `state`: state as the run loaded it before reading, when it did (devinfo hands each repository's cursor back).
   */
  readonly read: (provider: ProviderRuntime, signal: AbortSignal, acceptedSource?: string, state?: SyncState) => Promise<S>;
  /**
   * The read needs `state` (devinfo: each repository's cursor). The run then loads state before any source is read in
   * full; only sources that said cheaply they are unchanged (`isUnchanged`) may be skipped without it.
   */
  readonly readsState?: true;
  /** Present when an unchanged source need not be read again (source-skip.ts). */
  readonly sourceSkipping?: SourceSkipping<S>;
  /** Every provider's read → what each wants Jira to hold (may fail a provider, e.g. one claiming another's ids). */
  readonly desire: (sources: readonly CollectedSource<S>[], context: DesireContext) => ProviderDesired<P>[];
  readonly stamp: (payload: P, sequence: number, nowIso: string) => M;
  /** Stamped writes → rounds of request entities; each round is submitted after the one before has finished. */
  readonly pack: (writes: readonly StampedWrite<P, M>[], nowMs: number, context?: PackContext) => Packet<P, M, E>[][];
  /** Jira's outcome for a request entity → one outcome per member, in the members' order. */
  readonly unpack: (outcome: EntityOutcome, packet: Packet<P, M, E>) => EntityOutcome[];
  /**
   * Ids that are history (devinfo commits): one that vanished is forgotten from state, never deleted in Jira, and
   * the mass-delete guard does not count it.
   */
  readonly isHistory?: (id: string) => boolean;
  /**
   * Given the state before this run sends anything (read it at once) and the provider whose writes these are: the
   * top-level request fields of each packet (devinfo: a repository whose first sync by this provider is not done goes
   * as a backfill). Packets asking for different fields go in different requests.
   */
  readonly requestFieldsFor?: (state: SyncState, provider: string) => (packet: Packet<P, M, E>) => Readonly<Record<string, unknown>>;
  /** Present when the kind records first syncs (devinfo); not called for dry runs. */
  readonly firstSyncs?: FirstSyncs<S>;
  /** Query parameters of this run's deletes, given the kind's records (devinfo: `_updateSequenceId`). */
  readonly deleteParams?: (
    ids: readonly string[],
    records: Readonly<Record<string, EntityRecord>>,
    nowMs: number,
  ) => Record<string, string>;
}

/** The packer of a kind whose request entities are its entities: one write per packet, one round. */
export function oneEntityPerPacket<P, E>(writes: readonly StampedWrite<P, E>[]): Packet<P, E, E>[][] {
  return [writes.map((w) => ({ entity: w.stamped, members: [w] }))];
}
