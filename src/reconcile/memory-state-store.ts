import { emptyState, type SyncState } from './state';
import { applyRecordChange, type RecordChange, type StateStore } from './state-store';

/**
 * A state store in memory, for tests and embedding. It keeps its own copy and applies only the changes it is given
 * (as a database store does), so a change the reconciler forgot to report is lost here just as it would be there.
 */
export class MemoryStateStore implements StateStore {
  private held: SyncState;
  /** Every save's changes, in order (tests read how often and what was saved). */
  readonly saves: (readonly RecordChange[])[] = [];

  constructor(initial: SyncState = emptyState()) {
    this.held = structuredClone(initial);
  }

  readonly load = async (): Promise<SyncState> => structuredClone(this.held);

  /** Every append's changes, in order (the write-ahead marks and what landed between saves). */
  readonly appends: (readonly RecordChange[])[] = [];
  /** When set, every write (save, append, checkWritable) rejects with it: a store that cannot be written. */
  failWrites: Error | undefined;

  readonly save = async (_state: SyncState, changes: readonly RecordChange[]): Promise<void> => {
    if (this.failWrites !== undefined) throw this.failWrites;
    this.apply(changes);
    this.saves.push(changes);
  };

  readonly append = async (changes: readonly RecordChange[]): Promise<void> => {
    if (this.failWrites !== undefined) throw this.failWrites;
    this.apply(changes);
    this.appends.push(changes);
  };

  readonly checkWritable = async (): Promise<void> => {
    if (this.failWrites !== undefined) throw this.failWrites;
  };

  private apply(changes: readonly RecordChange[]): void {
    const next = structuredClone(this.held);
    for (const change of changes) applyRecordChange(next, structuredClone(change));
    this.held = next;
  }

  /** A copy of what the store holds now. */
  snapshot(): SyncState {
    return structuredClone(this.held);
  }
}
