import { Client } from 'pg';
import type { LockAttempt, LockHolder, WriterLock } from '../types';
import { lockKey, tablesForWriting } from './migrations';
import { DRAIN_TIMEOUT_MS, drainEarlierWriters, type WriterFence } from './writer-fence';

/** How often a held lock's session is asked whether it is still there (a half-open connection says nothing). */
const LIVENESS_MS = 10_000;

/**
 * The postgres store's writer lock: a session-level advisory lock on a connection of its own, held for the run's
 * whole duration. If the holder dies its connection drops and PostgreSQL releases the lock, so another replica
 * takes over at its next tick with nothing to clean up. The holder's host, pid and start go into flagsync_writer
 * so the one refused can say who holds it.
 *
 * A session that ends while the run goes on (a PostgreSQL restart, `pg_terminate_backend`, an idle timeout, a proxy
 * cutting the connection) has released the lock, and another replica may take it at its next tick. The holder learns
 * it from the connection's events or a liveness query every 10 s, and `lost` aborts: the run stops sending. Its state
 * writes are fenced too (writer-fence.ts): each checks, in its transaction, that the session still holds the lock.
 */
export class AdvisoryLock implements WriterLock {
  constructor(
    private readonly url: string,
    private readonly ready: () => Promise<boolean>,
    private readonly fence?: WriterFence,
    private readonly drainTimeoutMs: number = DRAIN_TIMEOUT_MS,
  ) {}

  async tryAcquire(me: LockHolder): Promise<LockAttempt> {
    await tablesForWriting(this.ready);
    const client = new Client({
      connectionString: this.url,
      application_name: `flagsync writer ${me.host}:${me.pid}`,
      keepAlive: true,
      connectionTimeoutMillis: 10_000,
      query_timeout: 10_000,
    });
    const lost = new AbortController();
    let released = false;
    const lose = (why: string): void => {
      if (released || lost.signal.aborted) return;
      lost.abort(new Error(`the writer lock's PostgreSQL session ended (${why}): another replica may take it; this run stops`));
    };
    client.on('error', (error: Error) => lose(error.message));
    client.on('end', () => lose('the connection closed'));
    await client.connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${lockKey('writer')}) AS locked`);
      if (rows[0]?.locked !== true) {
        const holder = await client.query<{ host: string; pid: number; since: Date }>('SELECT host, pid, since FROM flagsync_writer');
        await client.end();
        const row = holder.rows[0];
        return {
          acquired: false,
          ...(row === undefined ? {} : { holder: { host: row.host, pid: row.pid, since: row.since.toISOString() } }),
        };
      }
      // A write of the holder before (its session gone) may still be on its way to COMMIT: it ends first. One that
      // does not end in time leaves the lock to a later attempt, as if still held.
      if (!(await drainEarlierWriters(client, this.drainTimeoutMs))) {
        const holder = await client.query<{ host: string; pid: number; since: Date }>('SELECT host, pid, since FROM flagsync_writer');
        released = true;
        await client.end();
        const row = holder.rows[0];
        return {
          acquired: false,
          ...(row === undefined ? {} : { holder: { host: row.host, pid: row.pid, since: row.since.toISOString() } }),
        };
      }
      await client.query(
        `INSERT INTO flagsync_writer (singleton, host, pid, since) VALUES (true, $1, $2, $3)
         ON CONFLICT (singleton) DO UPDATE SET host = EXCLUDED.host, pid = EXCLUDED.pid, since = EXCLUDED.since`,
        [me.host, me.pid, me.since],
      );
      const session = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      this.fence?.hold(session.rows[0]!.pid);
    } catch (error) {
      released = true;
      await client.end().catch(() => undefined);
      throw error;
    }
    const liveness = setInterval(() => {
      client.query('SELECT 1').catch((error: unknown) => {
        lose(error instanceof Error ? error.message : String(error));
        void client.end().catch(() => undefined);
      });
    }, LIVENESS_MS);
    liveness.unref();
    return {
      acquired: true,
      lost: lost.signal,
      release: async () => {
        released = true;
        clearInterval(liveness);
        this.fence?.release();
        // Ending the session releases its advisory locks.
        await client.end().catch(() => undefined);
      },
    };
  }
}
