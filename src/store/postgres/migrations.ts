import type { Pool } from 'pg';
import { isQueryTimeout } from './connect';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * The schema, one step per version; a released step is never edited, a change is a new step. The pending steps run
 * in one transaction with their versions recorded, so a failed step leaves the database as it was.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'records, runs and the writer',
    sql: `
      -- One row per entity record: a save writes only the entities that changed. A record marked in flight before
      -- its request leaves (write-ahead) is a row like any other, with an empty hash until Jira answers.
      CREATE TABLE flagsync_records (
        kind text NOT NULL,
        id text NOT NULL,
        provider text NOT NULL,
        hash text NOT NULL,
        sequence bigint NOT NULL,
        fields jsonb,
        input text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (kind, id)
      );
      CREATE INDEX flagsync_records_by_provider ON flagsync_records (kind, provider);
      -- The runs of every replica: /readyz and flagsync status read the last ones.
      CREATE TABLE flagsync_runs (
        id text PRIMARY KEY,
        replica text NOT NULL,
        started_at timestamptz NOT NULL,
        ended_at timestamptz,
        outcome text NOT NULL CHECK (outcome IN ('running', 'ok', 'failed', 'error')),
        reason text,
        providers jsonb
      );
      CREATE INDEX flagsync_runs_by_start ON flagsync_runs (started_at DESC);
      -- Who holds the writer lock (an advisory lock carries no data of its own); trusted only while the lock is held.
      CREATE TABLE flagsync_writer (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        host text NOT NULL,
        pid integer NOT NULL,
        since timestamptz NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'source fingerprints',
    sql: `
      -- What the last fully accepted run of a flag provider read: while its source is unchanged the run skips it.
      CREATE TABLE flagsync_sources (
        provider text PRIMARY KEY,
        fingerprint text NOT NULL,
        mapping text NOT NULL,
        flags integer NOT NULL,
        unlinked integer NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
  {
    version: 3,
    name: 'run scope',
    sql: `
      -- The one provider a scoped run synced (--provider, a watch sync): it does not stand for a schedule slot's sync.
      ALTER TABLE flagsync_runs ADD COLUMN scope text;
    `,
  },
  {
    version: 4,
    name: 'repositories whose first sync is done',
    sql: `
      -- Devinfo repositories a run read and whose first sync (the backfill) Jira accepted, even those that linked
      -- nothing yet: what later runs find goes as new work. Its provider, so the row goes when the provider does.
      CREATE TABLE flagsync_repositories (
        id text PRIMARY KEY,
        provider text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
  {
    version: 5,
    name: 'repositories synced before repository records',
    sql: `
      -- The repository record alone now says a first sync is done. Before, a repository with a branch or commit Jira
      -- accepted counted as done: each such repository gets its record (the provider of its latest accepted record),
      -- so an upgrade backfills none of them again. Devinfo record ids are <repository id>/branch|commit/<name>.
      INSERT INTO flagsync_repositories (id, provider)
      SELECT DISTINCT ON (repository) repository, provider
      FROM (
        SELECT split_part(id, '/', 1) AS repository, provider, sequence
        FROM flagsync_records
        WHERE kind = 'devinfo' AND hash <> ''
      ) AS accepted
      WHERE repository <> ''
      ORDER BY repository, sequence DESC
      ON CONFLICT (id) DO NOTHING;
    `,
  },
  {
    version: 6,
    name: 'when a repository was first synced',
    sql: `
      -- Commits authored before a repository's first sync are history whenever they are sent (no smart commits). Null
      -- for repositories recorded before: the next run that reads one sets it.
      ALTER TABLE flagsync_repositories ADD COLUMN first_synced text;
    `,
  },
  {
    version: 7,
    name: 'where the last fully answered read of a repository stood',
    sql: `
      -- The adapter's cursor (git: the branch tips) of the repository's last read Jira answered in full: the next read
      -- adds what was pushed since, however old its dates. Null until such a read.
      ALTER TABLE flagsync_repositories ADD COLUMN read_cursor text;
    `,
  },
];

/** Advisory lock key space: one key per purpose and schema, so two flagsync deployments in one database do not meet. */
export const lockKey = (purpose: string): string => `hashtextextended('flagsync-${purpose}:' || current_schema(), 0)`;

/**
 * Brings the schema up to date. Replicas starting together take turns on a transaction-scoped advisory lock, so
 * each step runs once. A database from a newer flagsync (a version this one does not know) is refused rather than
 * written in a shape this version does not understand.
 */
/**
 * How long a step's DDL waits for its table (a long reader such as pg_dump, an open transaction). Without a limit it
 * would wait past the client's query timeout in the server's lock queue, holding the migration lock, and every
 * replica's reads of that table (/readyz, the run log) would queue behind it. The next run tries again.
 */
export const MIGRATION_LOCK_TIMEOUT_MS = 15_000;

export async function migrate(
  pool: Pool,
  migrations: readonly Migration[] = MIGRATIONS,
  lockTimeoutMs: number = MIGRATION_LOCK_TIMEOUT_MS,
): Promise<number> {
  const known = Math.max(0, ...migrations.map((m) => m.version));
  // Up to date already: no DDL and no lock, so readers (status, /readyz) also work on a read-only standby.
  const applied = await appliedVersions(pool);
  if (applied !== undefined) {
    const newest = Math.max(0, ...applied);
    if (newest > known) throw newerSchema(newest, known);
    if (migrations.every((m) => applied.has(m.version))) return known;
  }
  const client = await pool.connect();
  let broken: Error | undefined;
  let step: Migration | undefined;
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(${lockKey('migrate')})`);
    // After the migration lock, which waits for another replica's upgrade as long as that takes.
    await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(lockTimeoutMs))}`);
    await client.query(`
      CREATE TABLE IF NOT EXISTS flagsync_schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM flagsync_schema_migrations');
    const done = new Set(rows.map((r) => r.version));
    const newest = Math.max(0, ...done);
    if (newest > known) throw newerSchema(newest, known);
    for (const next of migrations) {
      if (done.has(next.version)) continue;
      step = next;
      await client.query(next.sql);
      await client.query('INSERT INTO flagsync_schema_migrations (version, name) VALUES ($1, $2)', [next.version, next.name]);
    }
    step = undefined;
    await client.query('COMMIT');
    return known;
  } catch (error) {
    // A statement that timed out client-side left the connection busy: destroyed, not rolled back (see pg-state-store).
    if (isQueryTimeout(error)) broken = error as Error;
    else await client.query('ROLLBACK').catch((rollbackError: unknown) => (broken = rollbackError as Error));
    if ((error as { code?: string }).code === LOCK_NOT_AVAILABLE && step !== undefined) {
      throw new Error(
        `cannot upgrade the flagsync schema to version ${step.version} (${step.name}): another session held a table it changes for ${lockTimeoutMs / 1000} s (a long transaction, pg_dump); nothing changed, the next run tries again`,
        { cause: error },
      );
    }
    throw error;
  } finally {
    client.release(broken);
  }
}

/**
 * For a reader that must not change the schema (`status`, `plan`): whether the flagsync tables exist (false: no run has
 * used this database yet, so nothing is recorded). A schema of another version is refused, naming what to do: upgraded
 * from here, it would stop every replica still running the version that uses it.
 */
export async function schemaReadable(pool: Pool, migrations: readonly Migration[] = MIGRATIONS): Promise<boolean> {
  const known = Math.max(0, ...migrations.map((m) => m.version));
  const applied = await appliedVersions(pool);
  if (applied === undefined) return false;
  const newest = Math.max(0, ...applied);
  if (newest > known) throw newerSchema(newest, known);
  if (!migrations.every((m) => applied.has(m.version)))
    throw new Error(
      `the database's flagsync schema is version ${newest}, older than this flagsync's (${known}), and this command does not upgrade it (the replicas using it may run the older version): run it with the flagsync version the replicas run, or let a sync of this version upgrade the schema`,
    );
  return true;
}

/** The tables for a write: a read-only backend on a database without them refuses (it never creates them). */
export async function tablesForWriting(ready: () => Promise<boolean>): Promise<void> {
  if (!(await ready())) throw new Error('no flagsync tables in the database, and this command does not create them');
}

/**
 * Throws when a newer flagsync has migrated the schema past what this one knows (a rolling upgrade while this process
 * runs): asked before each writer lock, so this version stops writing in the older shape.
 */
export async function refuseNewerSchema(
  client: { query<R>(text: string): Promise<{ rows: R[] }> },
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<void> {
  const known = Math.max(0, ...migrations.map((m) => m.version));
  const { rows } = await client.query<{ newest: number | null }>('SELECT max(version) AS newest FROM flagsync_schema_migrations');
  const newest = rows[0]?.newest ?? 0;
  if (newest > known) throw newerSchema(newest, known);
}

/** PostgreSQL's lock_not_available (lock_timeout expired). */
const LOCK_NOT_AVAILABLE = '55P03';

function newerSchema(newest: number, known: number): Error {
  return new Error(`the database's flagsync schema is version ${newest}, newer than this flagsync knows (${known}); upgrade flagsync`);
}

/** The versions recorded, or undefined when the migrations table does not exist yet. */
async function appliedVersions(pool: Pool): Promise<Set<number> | undefined> {
  const exists = await pool.query<{ t: string | null }>("SELECT to_regclass('flagsync_schema_migrations')::text AS t");
  if (exists.rows[0]?.t === null || exists.rows[0] === undefined) return undefined;
  const { rows } = await pool.query<{ version: number }>('SELECT version FROM flagsync_schema_migrations');
  return new Set(rows.map((r) => r.version));
}
