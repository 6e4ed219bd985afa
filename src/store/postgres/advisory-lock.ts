import { Client } from 'pg';
import type { LockAttempt, LockHolder, WriterLock } from '../types';
import { lockKey, refuseNewerSchema, tablesForWriting } from './migrations';
import { DRAIN_TIMEOUT_MS, drainEarlierWriters, sessionOf, type WriterFence } from './writer-fence';

/** How often a held lock's session is asked whether it is still there (a half-open connection says nothing). */
const LIVENESS_MS = 10_000;

const APPLICATION_PREFIX = 'flagsync writer ';

/** What flagsync_writer says: written by the holder once it has the lock and has drained the writes before it. */
async function writerRow(client: Client): Promise<LockHolder | undefined> {
  const { rows } = await client.query<{ host: string; pid: number; since: Date }>('SELECT host, pid, since FROM flagsync_writer');
  const row = rows[0];
  return row === undefined ? undefined : { host: row.host, pid: row.pid, since: row.since.toISOString() };
}

/**
 * Who holds the writer lock now, from PostgreSQL's own lock table: the session granted it names its process in its
 * application_name (`flagsync writer <host>:<pid>`). flagsync_writer alone could name the holder before (even the one
 * asking), as a new holder writes its row only after draining. Its time is the row's when the row is that holder's,
 * else when the holder's session began (just before it took the lock). Undefined when the holder cannot be seen.
 */
async function lockHolder(client: Client): Promise<LockHolder | undefined> {
  const { rows } = await client.query<{ application_name: string | null; backend_start: Date | null }>(
    `SELECT a.application_name, a.backend_start
     FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid, (SELECT ${lockKey('writer')} AS key) k
     WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
       AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND l.classid = ((k.key >> 32) & 4294967295)::oid AND l.objid = (k.key & 4294967295)::oid`,
  );
  const row = await writerRow(client);
  const session = rows[0];
  const name = session?.application_name ?? '';
  const at = name.lastIndexOf(':');
  if (!name.startsWith(APPLICATION_PREFIX) || at < 0) return row;
  const host = name.slice(APPLICATION_PREFIX.length, at);
  const pid = Number(name.slice(at + 1));
  if (!Number.isInteger(pid)) return row;
  if (row !== undefined && row.host === host && row.pid === pid) return row;
  return { host, pid, since: (session?.backend_start ?? new Date()).toISOString() };
}

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
      application_name: `${APPLICATION_PREFIX}${me.host}:${me.pid}`,
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
      // Every time, not once a process: a daemon outlives the version that migrated the schema when it started.
      await refuseNewerSchema(client);
      const { rows } = await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${lockKey('writer')}) AS locked`);
      if (rows[0]?.locked !== true) {
        const holder = await lockHolder(client);
        await client.end();
        return { acquired: false, ...(holder === undefined ? {} : { holder }) };
      }
      // A write of the holder before (its session gone) may still be on its way to COMMIT: it ends first. One that
      // does not end in time leaves the lock to a later attempt, as if still held.
      if (!(await drainEarlierWriters(client, this.drainTimeoutMs))) {
        const holder = await writerRow(client);
        released = true;
        await client.end();
        return { acquired: false, ...(holder === undefined ? {} : { holder }) };
      }
      await client.query(
        `INSERT INTO flagsync_writer (singleton, host, pid, since) VALUES (true, $1, $2, $3)
         ON CONFLICT (singleton) DO UPDATE SET host = EXCLUDED.host, pid = EXCLUDED.pid, since = EXCLUDED.since`,
        [me.host, me.pid, me.since],
      );
      this.fence?.hold(await sessionOf(client));
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
