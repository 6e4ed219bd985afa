import { Pool } from 'pg';
import { percentDecoded, postgresUrl } from '../../config/scalars';

/** Where a database is, for messages: host (or socket folder), port and database, never the user's password. */
export function describeDatabase(url: string): string {
  const parsed = postgresUrl(url);
  if (parsed === undefined) return 'postgres (an unreadable URL)';
  const { url: u, socket } = parsed;
  const database = u.pathname.replace(/^\//, '') || '(default database)';
  const port = u.searchParams.get('port') ?? (u.port || '5432');
  return `postgres ${socket ?? u.hostname}:${socket === undefined ? u.port || '5432' : port}/${percentDecoded(database) ?? database}`;
}

/**
 * How long one statement may take before the client gives up on it. A connection left half-open (a node or network
 * gone without a reset) answers nothing, and the kernel's keepalive takes hours to notice; without a limit every
 * state write of the run waits that long, and SIGTERM or the run timeout cannot end it. A save of 100k records takes
 * seconds.
 */
export const QUERY_TIMEOUT_MS = 120_000;

/**
 * A small pool: a run uses one connection for its saves and reads, the writer lock holds one more for the run's
 * whole duration, and /readyz reads the run log now and then.
 */
export function createPool(url: string, queryTimeoutMs: number = QUERY_TIMEOUT_MS): Pool {
  const pool = new Pool({
    connectionString: url,
    max: 4,
    application_name: 'flagsync',
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    query_timeout: queryTimeoutMs,
  });
  // An idle connection dropped by the server must not end the process; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * node-postgres's client-side `query_timeout` fired: the statement may still run on the server, and the connection is
 * busy (maybe half-open). Such a connection is destroyed (`release(error)`), never used for a ROLLBACK.
 */
export function isQueryTimeout(error: unknown): boolean {
  return error instanceof Error && /query read timeout/i.test(error.message);
}
