import { Client } from 'pg';
import type { LockAttempt, LockHolder, WriterLock } from '../types';
import { lockKey } from './migrations';

/**
 * The postgres store's writer lock: a session-level advisory lock on a connection of its own, held for the run's
 * whole duration. If the holder dies its connection drops and PostgreSQL releases the lock, so another replica
 * takes over at its next tick with nothing to clean up. The holder's host, pid and start go into flagsync_writer
 * so the one refused can say who holds it.
 */
export class AdvisoryLock implements WriterLock {
  constructor(
    private readonly url: string,
    private readonly ready: () => Promise<void>,
  ) {}

  async tryAcquire(me: LockHolder): Promise<LockAttempt> {
    await this.ready();
    const client = new Client({ connectionString: this.url, application_name: `flagsync writer ${me.host}:${me.pid}`, keepAlive: true });
    // A dropped connection means the lock is gone; the run in flight finds out at its next save, which fails.
    client.on('error', () => undefined);
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
      await client.query(
        `INSERT INTO flagsync_writer (singleton, host, pid, since) VALUES (true, $1, $2, $3)
         ON CONFLICT (singleton) DO UPDATE SET host = EXCLUDED.host, pid = EXCLUDED.pid, since = EXCLUDED.since`,
        [me.host, me.pid, me.since],
      );
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    return {
      acquired: true,
      release: async () => {
        // Ending the session releases its advisory locks.
        await client.end().catch(() => undefined);
      },
    };
  }
}
