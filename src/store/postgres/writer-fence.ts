import type { PoolClient } from 'pg';
import { lockKey } from './migrations';

/**
 * What the writer lock's holder shares with the state store of the same process: the lock's session (its backend
 * pid) while the lock is held. Every state write checks, inside its transaction, that this session still holds the
 * lock: a session that was ended (a PostgreSQL restart, `pg_terminate_backend`, an idle timeout) has released it, and
 * another replica may be writing by then. The write is refused rather than made beside that replica's; the run's
 * entities stay in flight, so the replica holding the lock sends them again.
 *
 * A write that passed the check may still be on its way to COMMIT when its session ends (a long save, a row lock).
 * So each fenced write also holds the drain lock shared until it ends, and a new holder of the writer lock takes the
 * drain lock exclusively once (`drain`) before it does anything: it waits for such writes to end, and any later
 * write of the old holder finds its session gone.
 */
export class WriterFence {
  private session: LockSession | undefined;

  hold(session: LockSession): void {
    this.session = session;
  }

  release(): void {
    this.session = undefined;
  }

  /** Throws when this process took the lock and its session no longer holds it. Without a lock taken: no check. */
  async check(client: PoolClient): Promise<void> {
    const session = this.session;
    if (session === undefined) return;
    // Held to the transaction's end: a new holder's drain waits for it.
    await client.query(`SELECT pg_advisory_xact_lock_shared(${lockKey('writer-drain')})`);
    // A bigint advisory lock shows in pg_locks as its high word (classid) and low word (objid), objsubid 1. The
    // session is its pid and its start: after a PostgreSQL restart another replica's session may get the same pid.
    const { rows } = await client.query<{ held: boolean }>(
      `SELECT EXISTS (
         SELECT 1 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid, (SELECT ${lockKey('writer')} AS k) w
         WHERE l.locktype = 'advisory' AND l.granted AND l.pid = $1 AND l.objsubid = 1
           AND l.classid::bigint = (w.k >> 32) & 4294967295 AND l.objid::bigint = w.k & 4294967295
           AND ${SESSION_START_MICROS('a')} = $2::bigint
       ) AS held`,
      [session.pid, session.startMicros],
    );
    if (rows[0]?.held !== true) {
      throw new Error(
        "this run's writer lock is gone (its PostgreSQL session ended): another replica may be writing, so this run writes no more state",
      );
    }
  }
}

/** A PostgreSQL session, told apart from a later one that reuses its pid by when it began. */
export interface LockSession {
  readonly pid: number;
  /** `backend_start` in microseconds since the epoch, as text (exact, beyond a JavaScript number's precision). */
  readonly startMicros: string;
}

/** SQL for a pg_stat_activity row's `backend_start` in whole microseconds (exact, whatever the session's DateStyle). */
export const SESSION_START_MICROS = (row: string): string => `(extract(epoch FROM ${row}.backend_start) * 1000000)::bigint`;

/** The session of `client`: who holds the writer lock once it took it. */
export async function sessionOf(client: { query<R>(text: string): Promise<{ rows: R[] }> }): Promise<LockSession> {
  const { rows } = await client.query<{ pid: number; start: string }>(
    `SELECT a.pid, ${SESSION_START_MICROS('a')}::text AS start FROM pg_stat_activity a WHERE a.pid = pg_backend_pid()`,
  );
  const row = rows[0];
  if (row === undefined) throw new Error('PostgreSQL does not show this session in pg_stat_activity');
  return { pid: row.pid, startMicros: row.start };
}

/** How long a new holder waits for an earlier holder's writes: under the lock client's 10 s statement limit. */
export const DRAIN_TIMEOUT_MS = 8_000;

/**
 * Run by a new holder of the writer lock before anything else: waits until every state write fenced by an earlier
 * holder's session has ended (committed, or refused by its check). Gives up after `timeoutMs` on the server's side
 * (lock_timeout), so a write that stays stuck (a row lock held elsewhere) fails this attempt cleanly rather than
 * leave the session waiting after its client went: false then.
 */
export async function drainEarlierWriters(client: { query(text: string): Promise<unknown> }, timeoutMs: number): Promise<boolean> {
  await client.query(`SET lock_timeout = ${Math.max(1, Math.round(timeoutMs))}`);
  try {
    await client.query(`SELECT pg_advisory_lock(${lockKey('writer-drain')})`);
  } catch (error) {
    if ((error as { code?: string }).code === '55P03') return false;
    throw error;
  } finally {
    await client.query('SET lock_timeout = 0').catch(() => undefined);
  }
  await client.query(`SELECT pg_advisory_unlock(${lockKey('writer-drain')})`);
  return true;
}
