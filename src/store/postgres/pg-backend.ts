import type { StateBackend } from '../types';
import { AdvisoryLock } from './advisory-lock';
import { createPool, describeDatabase } from './connect';
import { migrate, schemaReadable } from './migrations';
import { PgRunLog } from './pg-run-log';
import { PgStateStore } from './pg-state-store';
import { WriterFence } from './writer-fence';

export interface PgBackend extends StateBackend {
  readonly state: PgStateStore;
}

export interface PgBackendOptions {
  /** How long a new writer-lock holder waits for an earlier holder's writes (writer-fence.ts). */
  readonly drainTimeoutMs?: number;
  /**
   * For commands that only read (`status`, `plan`): the schema is never created or upgraded, a database without the
   * tables reads as holding nothing, and one of another version is refused (schemaReadable).
   */
  readonly readOnly?: boolean;
}

/**
 * State, run log and writer lock in one PostgreSQL database. The schema is created or migrated on first use
 * (once per process), so there is no manual step before the first run.
 */
export function postgresBackend(url: string, options: PgBackendOptions = {}): PgBackend {
  const pool = createPool(url);
  const where = describeDatabase(url);
  let checked: Promise<boolean> | undefined;
  /** Resolves with whether the tables exist (always, once migrated). */
  const ready = (): Promise<boolean> => {
    checked ??= (options.readOnly === true ? schemaReadable(pool) : migrate(pool).then(() => true)).catch((error: unknown) => {
      checked = undefined; // try again next time: the database may just have been down
      const what = options.readOnly === true ? 'cannot read the flagsync tables' : 'cannot prepare the flagsync tables';
      throw new Error(`${where}: ${what}: ${(error as Error).message}`, { cause: error });
    });
    return checked;
  };
  const fence = new WriterFence();
  return {
    state: new PgStateStore(pool, ready, fence),
    lock: new AdvisoryLock(url, ready, fence, options.drainTimeoutMs),
    runs: new PgRunLog(pool, ready),
    saveIntervalMs: 0,
    where,
    close: () => pool.end(),
  };
}
