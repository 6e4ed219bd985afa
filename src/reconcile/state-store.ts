import type { KindName } from '../jira/types';
import {
  inFlight,
  recordsOf,
  repositoryRecordsOf,
  sourcesOf,
  type EntityRecord,
  type RepositoryRecord,
  type SourceRecord,
  type StateSummary,
  type SyncState,
} from './state';

/**
 * One entity's record changed. A store that keeps rows (a database) writes exactly these; `put` replaces the whole
 * record.
 */
export type RecordChange =
  | { readonly type: 'put'; readonly kind: KindName; readonly id: string; readonly record: EntityRecord }
  /**
   * Write-ahead (StateLedger.markInFlight): the entity is being sent or deleted, so its record becomes
   * `inFlight(record, s, p)` (an empty hash, this sequence id and provider, the field fingerprints it had). Apart from
   * `put` so a journal line of a batch's marks need not repeat every record's fingerprints.
   */
  | { readonly type: 'inflight'; readonly kind: KindName; readonly id: string; readonly s: number; readonly p: string }
  /** Jira deleted it, or it was forgotten (a commit that left the window): the record goes. */
  | { readonly type: 'delete'; readonly kind: KindName; readonly id: string }
  /** A flag provider's source record was set (after a fully accepted run) or dropped (`record` undefined). */
  | { readonly type: 'source'; readonly provider: string; readonly record?: SourceRecord }
  /** A devinfo repository's first sync was done (devinfo-send-mode.ts), or its record dropped (`record` undefined). */
  | { readonly type: 'repository'; readonly id: string; readonly record?: RepositoryRecord };

/**
 * Where the record of what Jira accepted lives between runs. The reconciler depends on this interface only; the
 * file store (flagsync's default) and the in-memory store (tests) implement it.
 */
export interface StateStore {
  /** Every kind's records. A store holding nothing yet answers an empty state, never an error. */
  readonly load: () => Promise<SyncState>;
  /**
   * Optional: `summarize(load())`, read without loading the records, or undefined when the store cannot vouch for
   * one now (none kept, changes pending in a journal, the records replaced since). Lets a run whose sources are all
   * unchanged finish without loading state (source-skip.ts); a store without it always loads.
   */
  readonly loadSummary?: () => Promise<StateSummary | undefined>;
  /**
   * Optional, with loadSummary: `state` is what the last `load` returned, unchanged; a store that had no summary for
   * it may keep one now (a state written before summaries existed). Best effort, never throws.
   */
  readonly keepSummary?: (state: SyncState) => Promise<void>;
  /**
   * Makes `changes` durable, all of them or none (a crash leaves the store as before or as after). `state` is the
   * loaded state with every change so far applied, for a store that writes itself whole (the file); a store of
   * rows writes only `changes`. Called with no changes at the end of a run, so the store may write its initial form.
   */
  readonly save: (state: SyncState, changes: readonly RecordChange[]) => Promise<void>;
  /**
   * Write-ahead: makes `changes` durable now, cheaply (a journal line, a few rows), before the requests they
   * describe leave. Called about once per batch; `save` later folds them into the store's whole form. A crash right
   * after `append` must find these changes in the next `load`.
   */
  readonly append: (changes: readonly RecordChange[]) => Promise<void>;
  /** Rejects, naming the cause, when the store cannot be written now; checked before anything is sent. */
  readonly checkWritable: () => Promise<void>;
}

/** Applies one change to a loaded state, as a store replaying its changes does. */
export function applyRecordChange(state: SyncState, change: RecordChange): void {
  if (change.type === 'source') {
    if (change.record === undefined) delete sourcesOf(state)[change.provider];
    else sourcesOf(state)[change.provider] = change.record;
    return;
  }
  if (change.type === 'repository') {
    if (change.record === undefined) delete repositoryRecordsOf(state)[change.id];
    else repositoryRecordsOf(state)[change.id] = change.record;
    return;
  }
  const records = recordsOf(state, change.kind);
  if (change.type === 'put') records[change.id] = change.record;
  else if (change.type === 'inflight') records[change.id] = inFlight(records[change.id], change.s, change.p);
  else delete records[change.id];
}
