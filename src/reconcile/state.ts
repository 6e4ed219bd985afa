import type { KindName } from '../jira/types';
import type { StoredFieldHashes } from './field-hashes';

/** What Jira last accepted for one entity. Short keys: the file holds one record per entity (100k+). */
export interface EntityRecord {
  /**
   * Content hash of the accepted payload (without sequence id and send-time fields). Empty while a write or delete
   * is in flight or its answer was lost: Jira may hold anything, so the entity is sent (or deleted) again.
   */
  readonly h: string;
  /** The updateSequenceId Jira accepted; the next change must send a greater one. */
  readonly s: number;
  /** Provider name (deletes are decided per provider). */
  readonly p: string;
  /** Per-field fingerprints, to name changed fields in plans (packed; records written before hold the legacy object). */
  readonly f?: StoredFieldHashes;
  /** Fingerprint of the source data (and mapping settings) the accepted payload was made from. */
  readonly i?: string;
}

/**
 * What the last fully accepted run of one flag provider read (see source-skip.ts): while the adapter reports the
 * same source fingerprint and the mapping settings are the same, the provider's flags need not be read again.
 */
export interface SourceRecord {
  /** The adapter's `sourceFingerprint`. */
  readonly f: string;
  /** Fingerprint of the core's mapping settings for the provider (linking, environment types, properties). */
  readonly m: string;
  /** Flags the source had, and how many of them were unlinked (for the run summary). */
  readonly n: number;
  readonly u: number;
}

/**
 * A devinfo repository whose first sync is done (devinfo-send-mode.ts): a run read it and Jira accepted everything it
 * sent of it, or there was nothing to send (no branch or commit linked yet). Later runs send what they find as new
 * work, so its smart commits act. Kept apart from the entity records because a repository that links nothing has none.
 */
export interface RepositoryRecord {
  /** The provider that read it: the record goes when the provider leaves the config or stops listing the repository. */
  readonly p: string;
  /**
   * When the first sync was recorded (ISO 8601). A commit authored before it is history whenever it is sent (one that
   * comes back into the commit window, one Jira rejected then): its smart commits must not act. Absent in records
   * written before it existed: the next run that reads the repository sets it (until then nothing is history).
   */
  readonly t?: string;
  /**
   * The adapter's cursor from the last read of the repository that Jira answered in full (DevRepository.cursor), handed
   * back to the next read: git adds the commits pushed since, however old their dates.
   */
  readonly c?: string;
}

export interface SyncState {
  readonly version: 1;
  readonly entities: Partial<Record<KindName, Record<string, EntityRecord>>>;
  /** Per flag provider; absent when no run of it was fully accepted since its source last changed. */
  readonly sources?: Record<string, SourceRecord>;
  /** Per Jira repository id, the devinfo repositories whose first sync is done; absent in states written before. */
  readonly repositories?: Record<string, RepositoryRecord>;
}

/** The record of an entity being sent or deleted (see EntityRecord.h); its field fingerprints stay, to name changes. */
export function inFlight(known: EntityRecord | undefined, s: number, p: string): EntityRecord {
  return known?.f === undefined ? { h: '', s, p } : { h: '', s, p, f: known.f };
}

export function emptyState(): SyncState {
  return { version: 1, entities: {} };
}

export function recordsOf(state: SyncState, kind: KindName): Record<string, EntityRecord> {
  return (state.entities[kind] ??= {});
}

export function sourcesOf(state: SyncState): Record<string, SourceRecord> {
  const mutable = state as { sources?: Record<string, SourceRecord> };
  return (mutable.sources ??= {});
}

export function repositoryRecordsOf(state: SyncState): Record<string, RepositoryRecord> {
  const mutable = state as { repositories?: Record<string, RepositoryRecord> };
  return (mutable.repositories ??= {});
}

/** How many records one provider has in one kind, and whether any of them is in flight (`h` empty). */
export interface ProviderHolding {
  readonly n: number;
  readonly dirty: boolean;
}

/**
 * What deciding "nothing changed" needs from state, without its records: the source records, and per kind and
 * provider how many records there are and whether one is in flight. A store may keep it beside the records so a run
 * whose sources are all unchanged never loads them (source-skip.ts). A devinfo provider holding only repository
 * records (repositories read, nothing linked yet) is listed with `n` 0: once it leaves the config, a run must load
 * state to drop them, or a repository added back later would not get its backfill.
 */
export interface StateSummary {
  readonly sources: Readonly<Record<string, SourceRecord>>;
  readonly holdings: Partial<Record<KindName, Readonly<Record<string, ProviderHolding>>>>;
}

export function summarize(state: SyncState): StateSummary {
  const holdings: Partial<Record<KindName, Record<string, ProviderHolding>>> = {};
  for (const kind of Object.keys(state.entities) as KindName[]) {
    const counts: Record<string, { n: number; dirty: boolean }> = {};
    const records = state.entities[kind] ?? {};
    for (const id in records) {
      const record = records[id]!;
      const holding = (counts[record.p] ??= { n: 0, dirty: false });
      holding.n++;
      if (record.h === '') holding.dirty = true;
    }
    holdings[kind] = counts;
  }
  const repositories = state.repositories ?? {};
  for (const id in repositories) (holdings.devinfo ??= {})[repositories[id]!.p] ??= { n: 0, dirty: false };
  return { sources: { ...state.sources }, holdings };
}
