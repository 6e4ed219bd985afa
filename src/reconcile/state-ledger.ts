import type { KindName } from '../jira/types';
import { recordsOf, sourcesOf, type EntityRecord, type SourceRecord, type SyncState } from './state';
import type { RecordChange, StateStore } from './state-store';

export interface LedgerOptions {
  readonly now: () => number;
  /** Minimum time between intermediate saves (`checkpoint`). */
  readonly saveIntervalMs: number;
}

/**
 * The only way the reconciler changes state during a run: each change is applied to the loaded state (which the
 * planner reads) and queued for the store, one entry per entity (the last change wins), so a store of rows writes
 * only what changed. Saves never overlap: each waits for the one before.
 */
export class StateLedger {
  private pending = new Map<KindName, Map<string, EntityRecord | undefined>>();
  private pendingSources = new Map<string, SourceRecord | undefined>();
  private saving: Promise<void> = Promise.resolve();
  private lastSave: number;

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
    this.queue(kind).set(id, record);
  }

  remove(kind: KindName, id: string): void {
    delete recordsOf(this.state, kind)[id];
    this.queue(kind).set(id, undefined);
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

  /** True while changes wait for a save. */
  get hasChanges(): boolean {
    if (this.pendingSources.size > 0) return true;
    for (const queue of this.pending.values()) if (queue.size > 0) return true;
    return false;
  }

  /** Saves what changed when the save interval has passed since the last save (a long run keeps what landed). */
  async checkpoint(): Promise<void> {
    if (this.options.now() - this.lastSave < this.options.saveIntervalMs) return;
    await this.save();
  }

  /** Saves what changed (possibly nothing, so a first run leaves a state behind). */
  async save(): Promise<void> {
    this.lastSave = this.options.now();
    const run = this.saving.then(() => this.write());
    // A failed save fails its caller; the next save still runs (and retries the changes).
    this.saving = run.catch(() => undefined);
    await run;
  }

  private queue(kind: KindName): Map<string, EntityRecord | undefined> {
    let queue = this.pending.get(kind);
    if (queue === undefined) this.pending.set(kind, (queue = new Map()));
    return queue;
  }

  private async write(): Promise<void> {
    const taken = this.pending;
    const takenSources = this.pendingSources;
    this.pending = new Map();
    this.pendingSources = new Map();
    const changes: RecordChange[] = [];
    for (const [provider, record] of takenSources)
      changes.push(record === undefined ? { type: 'source', provider } : { type: 'source', provider, record });
    for (const [kind, queue] of taken)
      for (const [id, record] of queue)
        changes.push(record === undefined ? { type: 'delete', kind, id } : { type: 'put', kind, id, record });
    try {
      await this.store.save(this.state, changes);
    } catch (error) {
      // Not saved: queue the changes again, unless a newer change to the same entity came meanwhile.
      for (const [kind, queue] of taken) {
        const now = this.queue(kind);
        for (const [id, record] of queue) if (!now.has(id)) now.set(id, record);
      }
      for (const [provider, record] of takenSources) if (!this.pendingSources.has(provider)) this.pendingSources.set(provider, record);
      throw error;
    }
  }
}
