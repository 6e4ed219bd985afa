import type { KindName } from '../jira/types';
import {
  inFlight,
  recordsOf,
  repositoryRecordsOf,
  sourcesOf,
  type EntityRecord,
  type RepositoryRecord,
  type SourceRecord,
  type SyncState,
} from './state';
import type { RecordChange, StateStore } from './state-store';

export interface LedgerOptions {
  readonly now: () => number;
  /** Minimum time between intermediate appends of what landed (`checkpoint`). */
  readonly saveIntervalMs: number;
}

/** An entity about to be sent (or deleted), with the sequence id its request carries. */
export interface InFlight {
  readonly id: string;
  readonly sequence: number;
  readonly provider: string;
}

/**
 * The only way the reconciler changes state during a run: each change is applied to the loaded state (which the
 * planner reads) and queued for the store, one entry per entity (the last change wins), so a store of rows writes
 * only what changed. Writes never overlap: each waits for the one before.
 *
 * Write-ahead: `markInFlight` makes "this entity is being sent" durable before its request leaves, so a crash, a
 * lost answer or an unreadable one leaves the entity dirty and the next run sends it again. It writes only the marks:
 * what landed waits for the next checkpoint (or the save), so a batch's append stays small; a crash before then
 * leaves those entities marked, and they are sent again. When the store cannot be written, `signal` aborts with the
 * cause and the run stops sending.
 */
export class StateLedger {
  private pending = new Map<KindName, Map<string, RecordChange>>();
  /** Entities marked in flight whose marks are queued, not yet written. */
  private unwrittenMarks = new Map<KindName, Set<string>>();
  private pendingSources = new Map<string, SourceRecord | undefined>();
  private pendingRepositories = new Map<string, RepositoryRecord | undefined>();
  private saving: Promise<void> = Promise.resolve();
  private lastSave: number;
  private readonly failure = new AbortController();
  private appended = false;

  constructor(
    private readonly store: StateStore,
    readonly state: SyncState,
    private readonly options: LedgerOptions,
  ) {
    this.lastSave = options.now();
  }

  /** What Jira holds for one kind according to state; read-only, change it through `put` and `remove`. */
  records(kind: KindName): Readonly<Record<string, EntityRecord>> {
    return recordsOf(this.state, kind);
  }

  put(kind: KindName, id: string, record: EntityRecord): void {
    recordsOf(this.state, kind)[id] = record;
    this.queue(kind).set(id, { type: 'put', kind, id, record });
  }

  remove(kind: KindName, id: string): void {
    delete recordsOf(this.state, kind)[id];
    this.queue(kind).set(id, { type: 'delete', kind, id });
  }

  /** Sets (or, with undefined, drops) a flag provider's source record. */
  setSource(provider: string, record: SourceRecord | undefined): void {
    const sources = sourcesOf(this.state);
    if (record === undefined) {
      if (!(provider in sources)) return;
      delete sources[provider];
    } else sources[provider] = record;
    this.pendingSources.set(provider, record);
  }

  /** Sets (or, with undefined, drops) the record of a devinfo repository whose first sync is done. */
  setRepository(id: string, record: RepositoryRecord | undefined): void {
    const repositories = repositoryRecordsOf(this.state);
    if (record === undefined) {
      if (!(id in repositories)) return;
      delete repositories[id];
    } else repositories[id] = record;
    this.pendingRepositories.set(id, record);
  }

  /** True while changes wait for a save: queued, or appended since the last save (a journal to fold in). */
  get hasChanges(): boolean {
    if (this.appended || this.pendingSources.size > 0 || this.pendingRepositories.size > 0) return true;
    for (const queue of this.pending.values()) if (queue.size > 0) return true;
    return false;
  }

  /** Aborted, with the storage error as its reason, once the store could not be written. */
  get signal(): AbortSignal {
    return this.failure.signal;
  }

  /** Why the store could not be written; undefined while it could. */
  get failed(): string | undefined {
    return this.failure.signal.aborted ? (this.failure.signal.reason as Error).message : undefined;
  }

  /** Stops the run: the store cannot be written (`error` says why). */
  stop(error: unknown): void {
    if (!this.failure.signal.aborted) this.failure.abort(error instanceof Error ? error : new Error(String(error)));
  }

  /**
   * Marks entities in flight (an empty hash: Jira may hold the new content or none) and makes that durable before
   * returning. Throws, sending nothing, when the store cannot be written. Marks made while an earlier write is under
   * way are written together by the next one (batches sent concurrently share an fsync).
   */
  async markInFlight(kind: KindName, entities: readonly InFlight[]): Promise<void> {
    if (entities.length === 0) return;
    const records = recordsOf(this.state, kind);
    const queue = this.queue(kind);
    let ids = this.unwrittenMarks.get(kind);
    if (ids === undefined) this.unwrittenMarks.set(kind, (ids = new Set()));
    for (const { id, sequence, provider } of entities) {
      const known = records[id];
      // The sequence id only grows; field fingerprints stay so a plan can still name what changed.
      const s = known === undefined ? sequence : Math.max(known.s, sequence);
      const record = inFlight(known, s, provider);
      records[id] = record;
      // A change to it still waiting for its write is something the store lacks: then the mark says all (a put).
      queue.set(id, queue.has(id) ? { type: 'put', kind, id, record } : { type: 'inflight', kind, id, s, p: provider });
      ids.add(id);
    }
    await this.write(async (changes) => {
      await this.store.append(changes);
      this.appended = true;
    }, 'marks');
    // An earlier write that carried these marks failed (so this one found nothing left to write): not durable.
    if (this.failure.signal.aborted) throw this.failure.signal.reason;
  }

  /** Appends what landed when the interval has passed since the last write of everything (a long run keeps what landed). */
  async checkpoint(): Promise<void> {
    if (this.options.now() - this.lastSave < this.options.saveIntervalMs) return;
    await this.flush();
  }

  /** Appends every queued change to the store now (cheap: a journal line, a few rows). */
  async flush(): Promise<void> {
    await this.write(async (changes) => {
      if (changes.length === 0) return;
      await this.store.append(changes);
      this.appended = true;
    });
  }

  /** Saves the whole state with what changed (possibly nothing, so a first run leaves a state behind). */
  async save(): Promise<void> {
    await this.write(async (changes) => {
      await this.store.save(this.state, changes);
      this.appended = false;
    });
  }

  /** Writes the queued changes through `to`: all of them, or only the marks in flight. */
  private async write(to: (changes: readonly RecordChange[]) => Promise<void>, what: 'all' | 'marks' = 'all'): Promise<void> {
    if (what === 'all') this.lastSave = this.options.now();
    const run = this.saving.then(() => (what === 'all' ? this.take(to) : this.takeMarks(to)));
    // A failed write fails its caller (and stops the run); the next write still runs (and retries the changes).
    this.saving = run.catch(() => undefined);
    try {
      await run;
    } catch (error) {
      this.stop(error);
      throw error;
    }
  }

  private queue(kind: KindName): Map<string, RecordChange> {
    let queue = this.pending.get(kind);
    if (queue === undefined) this.pending.set(kind, (queue = new Map()));
    return queue;
  }

  private async take(to: (changes: readonly RecordChange[]) => Promise<void>): Promise<void> {
    const taken = this.pending;
    const takenSources = this.pendingSources;
    const takenRepositories = this.pendingRepositories;
    const takenMarks = this.unwrittenMarks;
    this.pending = new Map();
    this.pendingSources = new Map();
    this.pendingRepositories = new Map();
    this.unwrittenMarks = new Map();
    const changes: RecordChange[] = [];
    for (const [provider, record] of takenSources)
      changes.push(record === undefined ? { type: 'source', provider } : { type: 'source', provider, record });
    for (const [id, record] of takenRepositories)
      changes.push(record === undefined ? { type: 'repository', id } : { type: 'repository', id, record });
    for (const queue of taken.values()) for (const change of queue.values()) changes.push(change);
    try {
      await to(changes);
    } catch (error) {
      for (const [kind, queue] of taken) this.requeue(kind, queue);
      for (const [provider, record] of takenSources) if (!this.pendingSources.has(provider)) this.pendingSources.set(provider, record);
      for (const [id, record] of takenRepositories) if (!this.pendingRepositories.has(id)) this.pendingRepositories.set(id, record);
      for (const [kind, ids] of takenMarks) this.stillUnwritten(kind, ids);
      throw error;
    }
  }

  /** Marks whose write failed: the next write of marks takes them again. */
  private stillUnwritten(kind: KindName, ids: Iterable<string>): void {
    const unwritten = this.unwrittenMarks.get(kind) ?? new Set<string>();
    for (const id of ids) unwritten.add(id);
    this.unwrittenMarks.set(kind, unwritten);
  }

  private async takeMarks(to: (changes: readonly RecordChange[]) => Promise<void>): Promise<void> {
    const marked = this.unwrittenMarks;
    this.unwrittenMarks = new Map();
    const taken = new Map<KindName, Map<string, RecordChange>>();
    const changes: RecordChange[] = [];
    for (const [kind, ids] of marked) {
      const queue = this.queue(kind);
      const mine = new Map<string, RecordChange>();
      for (const id of ids) {
        const change = queue.get(id);
        if (change === undefined) continue;
        mine.set(id, change);
        changes.push(change);
        queue.delete(id);
      }
      taken.set(kind, mine);
    }
    if (changes.length === 0) return; // written by an earlier write
    try {
      await to(changes);
    } catch (error) {
      for (const [kind, mine] of taken) {
        this.requeue(kind, mine);
        this.stillUnwritten(kind, mine.keys());
      }
      throw error;
    }
  }

  /**
   * Not written: queue the changes again, unless a newer change to the same entity came meanwhile. A newer mark in
   * flight was made over a record the store now lacks, so it goes as the whole record it made.
   */
  private requeue(kind: KindName, taken: ReadonlyMap<string, RecordChange>): void {
    const now = this.queue(kind);
    const records = recordsOf(this.state, kind);
    for (const [id, change] of taken) {
      const newer = now.get(id);
      if (newer === undefined) now.set(id, change);
      else if (newer.type === 'inflight' && records[id] !== undefined) now.set(id, { type: 'put', kind, id, record: records[id] });
    }
  }
}
