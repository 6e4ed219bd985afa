import type { KindName } from '../jira/types';

/** What Jira last accepted for one entity. Short keys: the file holds one record per entity (100k+). */
export interface EntityRecord {
  /** Content hash of the accepted payload (without sequence id and send-time fields). */
  readonly h: string;
  /** The updateSequenceId Jira accepted; the next change must send a greater one. */
  readonly s: number;
  /** Provider name (deletes are decided per provider). */
  readonly p: string;
  /** Per-field fingerprints, to name changed fields in plans. */
  readonly f?: Readonly<Record<string, string>>;
  /** Fingerprint of the source data (and mapping settings) the accepted payload was made from. */
  readonly i?: string;
}

export interface SyncState {
  readonly version: 1;
  readonly entities: Partial<Record<KindName, Record<string, EntityRecord>>>;
}

export function emptyState(): SyncState {
  return { version: 1, entities: {} };
}

export function recordsOf(state: SyncState, kind: KindName): Record<string, EntityRecord> {
  return (state.entities[kind] ??= {});
}
