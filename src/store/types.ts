import type { RecordChange, StateStore } from '../reconcile/state-store';

export type { RecordChange, StateStore };

/** Who holds (or held) the writer lock: enough for an operator to find the process. */
export interface LockHolder {
  readonly host: string;
  readonly pid: number;
  /** ISO time the lock was taken. */
  readonly since: string;
}

export type LockAttempt =
  | {
      readonly acquired: true;
      readonly release: () => Promise<void>;
      readonly tookOverFrom?: LockHolder;
      /** Aborts (with the reason) when the lock can no longer be vouched for: the run must stop. Absent: never lost. */
      readonly lost?: AbortSignal;
    }
  /** `holder` is undefined when the lock is held but the holder could not be read. */
  | { readonly acquired: false; readonly holder?: LockHolder };

/** One writer at a time per state: a run holds this for its whole duration. */
export interface WriterLock {
  tryAcquire(me: LockHolder): Promise<LockAttempt>;
  /**
   * What to do about a lock its holder may have left behind (a container killed mid-run on another host, which this
   * lock cannot check). Absent where the lock cannot outlive its holder (PostgreSQL's ends with the session).
   */
  leftBehindHint?(holder: LockHolder): string;
}

export type RunOutcome = 'running' | 'ok' | 'failed' | 'error';

/** Per provider, what an operator asks of the last run: what is stuck and what the guard held back. */
export interface RunProviderSummary {
  readonly provider: string;
  readonly ok: boolean;
  readonly error?: string;
  readonly created: number;
  readonly updated: number;
  readonly deleted: number;
  readonly rejected: number;
  readonly failed: number;
  readonly deletesRefused: number;
}

export interface RunRecord {
  readonly id: string;
  /** host:pid of the replica that ran it. */
  readonly replica: string;
  readonly startedAt: string;
  /** The one provider a scoped run synced (`--provider`, a watch sync); absent for a run of every provider. */
  readonly scope?: string;
  readonly endedAt?: string;
  readonly outcome: RunOutcome;
  /** Why the run failed, in one line. */
  readonly reason?: string;
  readonly providers?: readonly RunProviderSummary[];
}

export interface RunEnd {
  readonly endedAt: string;
  readonly outcome: Exclude<RunOutcome, 'running'>;
  readonly reason?: string;
  readonly providers?: readonly RunProviderSummary[];
}

/** The runs of every replica sharing this state, newest first. */
export interface RunLog {
  start(replica: string, startedAt: string, scope?: string): Promise<string>;
  finish(id: string, end: RunEnd): Promise<void>;
  /**
   * The newest runs first. `only`: just the runs of that scope (`{ scope: undefined }`: runs of every provider), however
   * many runs of other scopes came since (a streak of watch syncs).
   */
  recent(limit: number, only?: RunScopeFilter): Promise<readonly RunRecord[]>;
  /**
   * Ends, as `error` with `reason`, every run still recorded as running: called by the writer lock's new holder, so
   * those are runs whose process died (killed, out of memory) before recording its end. Resolves with how many.
   */
  endAbandoned(endedAt: string, reason: string): Promise<number>;
}

export interface RunScopeFilter {
  readonly scope: string | undefined;
}

/** Everything a run keeps between runs, in one place: the file folder or one PostgreSQL database. */
export interface StateBackend {
  readonly state: StateStore;
  readonly lock: WriterLock;
  readonly runs: RunLog;
  /**
   * Minimum time between intermediate writes of what landed during a run (the write-ahead marks go before every
   * batch regardless). The file store appends them to its journal every 30 s (an entity landed but not yet written
   * is still marked in flight, so a crash only costs sending it again); a database writes the changed rows as each
   * batch lands.
   */
  readonly saveIntervalMs: number;
  /** Where it lives, for messages (never with credentials). */
  readonly where: string;
  close(): Promise<void>;
}
