import type { PoolClient } from 'pg';
import { lockKey } from './migrations';

/**
 * What the writer lock's holder shares with the state store of the same process: the lock's session (its backend
 * pid) while the lock is held. Every state write checks, inside its transaction, that this session still holds the
 * lock: a session that was ended (a PostgreSQL restart, `pg_terminate_backend`, an idle timeout) has released it, and
 * another replica may be writing by then. The write is refused rather than made beside that replica's; the run's
 * entities stay in flight, so the replica holding the lock sends them again.
 */
export class WriterFence {
  private pid: number | undefined;

  hold(pid: number): void {
    this.pid = pid;
  }

  release(): void {
    this.pid = undefined;
  }

  /** Throws when this process took the lock and its session no longer holds it. Without a lock taken: no check. */
  async check(client: PoolClient): Promise<void> {
    const pid = this.pid;
    if (pid === undefined) return;
    // A bigint advisory lock shows in pg_locks as its high word (classid) and low word (objid), objsubid 1.
    const { rows } = await client.query<{ held: boolean }>(
      `SELECT EXISTS (
         SELECT 1 FROM pg_locks l, (SELECT ${lockKey('writer')} AS k) w
         WHERE l.locktype = 'advisory' AND l.granted AND l.pid = $1 AND l.objsubid = 1
           AND l.classid::bigint = (w.k >> 32) & 4294967295 AND l.objid::bigint = w.k & 4294967295
       ) AS held`,
      [pid],
    );
    if (rows[0]?.held !== true) {
      throw new Error(
        "this run's writer lock is gone (its PostgreSQL session ended): another replica may be writing, so this run writes no more state",
      );
    }
  }
}
