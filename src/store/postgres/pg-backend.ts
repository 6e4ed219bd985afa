import type { StateBackend } from '../types';
import { AdvisoryLock } from './advisory-lock';
import { createPool, describeDatabase } from './connect';
import { migrate } from './migrations';
import { PgRunLog } from './pg-run-log';
import { PgStateStore } from './pg-state-store';
import { WriterFence } from './writer-fence';

export interface PgBackend extends StateBackend {
  readonly state: PgStateStore;
}

/**
 * State, run log and writer lock in one PostgreSQL database. The schema is created or migrated on first use
 * (once per process), so there is no manual step before the first run.
 */
/** `drainTimeoutMs`: how long a new writer-lock holder waits for an earlier holder's writes (writer-fence.ts). */
export function postgresBackend(url: string, options: { readonly drainTimeoutMs?: number } = {}): PgBackend {
  const pool = createPool(url);
  const where = describeDatabase(url);
  let migrated: Promise<void> | undefined;
  const ready = (): Promise<void> => {
    migrated ??= migrate(pool).then(
      () => undefined,
      (error: unknown) => {
        migrated = undefined; // try again next time: the database may just have been down
        throw new Error(`${where}: cannot prepare the flagsync tables: ${(error as Error).message}`, { cause: error });
      },
    );
    return migrated;
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
