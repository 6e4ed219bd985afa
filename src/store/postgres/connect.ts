import { Pool } from 'pg';
import { percentDecoded } from '../../config/scalars';

/** Where a database is, for messages: host, port and database, never the user's password. */
export function describeDatabase(url: string): string {
  const u = new URL(url);
  const database = u.pathname.replace(/^\//, '') || '(default database)';
  return `postgres ${u.hostname}:${u.port || '5432'}/${percentDecoded(database) ?? database}`;
}

/**
 * A small pool: a run uses one connection for its saves and reads, the writer lock holds one more for the run's
 * whole duration, and /readyz reads the run log now and then.
 */
export function createPool(url: string): Pool {
  const pool = new Pool({
    connectionString: url,
    max: 4,
    application_name: 'flagsync',
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
  });
  // An idle connection dropped by the server must not end the process; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}
