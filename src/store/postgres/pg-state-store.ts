import * as t from 'io-ts';
import type { Pool, PoolClient } from 'pg';
import { decodeOrThrow } from '../../kit/decode';
import type { KindName } from '../../jira/types';
import {
  emptyState,
  inFlight,
  recordsOf,
  repositoryRecordsOf,
  sourcesOf,
  type EntityRecord,
  type ProviderHolding,
  type RepositoryRecord,
  type SourceRecord,
  type StateSummary,
  type SyncState,
} from '../../reconcile/state';
import type { RecordChange, StateStore } from '../types';
import { WriterFence } from './writer-fence';
import { tablesForWriting } from './migrations';
import { isQueryTimeout } from './connect';

const KINDS: readonly KindName[] = ['featureflags', 'builds', 'deployments', 'devinfo'];
const KindCodec = t.keyof({ featureflags: null, builds: null, deployments: null, devinfo: null });
const RowCodec = t.type({
  kind: KindCodec,
  id: t.string,
  provider: t.string,
  hash: t.string,
  // bigint arrives as text from node-postgres
  sequence: t.string,
  fields: t.union([t.null, t.string, t.record(t.string, t.string)]),
  input: t.union([t.null, t.string]),
});
const RowsCodec = t.array(RowCodec);
const SourceRowsCodec = t.array(
  t.type({ provider: t.string, fingerprint: t.string, mapping: t.string, flags: t.number, unlinked: t.number }),
);

const RepositoryRowsCodec = t.array(
  t.type({ id: t.string, provider: t.string, first_synced: t.union([t.string, t.null]), read_cursor: t.union([t.string, t.null]) }),
);

const HoldingRowsCodec = t.array(t.type({ kind: KindCodec, provider: t.string, n: t.number, dirty: t.boolean }));

type EntityChange = Exclude<RecordChange, { type: 'source' | 'repository' }>;
type SourceChange = Extract<RecordChange, { type: 'source' }>;
type RepositoryChange = Extract<RecordChange, { type: 'repository' }>;
type InFlightChange = Extract<RecordChange, { type: 'inflight' }>;

/** Rows per statement: unnest() arrays keep one round trip per chunk, however many entities changed. */
const CHUNK = 2000;

function toRecord(row: t.TypeOf<typeof RowCodec>): EntityRecord {
  const base = { h: row.hash, s: Number(row.sequence), p: row.provider };
  return {
    ...base,
    ...(row.fields === null ? {} : { f: row.fields }),
    ...(row.input === null ? {} : { i: row.input }),
  };
}

/**
 * The last change per entity (or source) wins: a record put and then deleted in one save is only deleted. A mark in
 * flight after a put or a delete of the same entity marks what that left, so it becomes a put of the marked record.
 */
function lastPerEntity(changes: readonly RecordChange[]): RecordChange[] {
  const last = new Map<string, RecordChange>();
  for (const change of changes) {
    const key =
      change.type === 'source'
        ? `source\u0000${change.provider}`
        : change.type === 'repository'
          ? `repository\u0000${change.id}`
          : `${change.kind}\u0000${change.id}`;
    const before = last.get(key);
    last.delete(key);
    last.set(
      key,
      change.type === 'inflight' && (before?.type === 'put' || before?.type === 'delete')
        ? {
            type: 'put',
            kind: change.kind,
            id: change.id,
            record: inFlight(before.type === 'put' ? before.record : undefined, change.s, change.p),
          }
        : change,
    );
  }
  return [...last.values()];
}

/**
 * State in PostgreSQL, one row per entity record. A save writes only the changed entities, in one transaction,
 * so what Jira accepted is durable batch by batch and a crash mid-run loses nothing already saved.
 */
export class PgStateStore implements StateStore {
  constructor(
    private readonly pool: Pool,
    private readonly ready: () => Promise<boolean>,
    private readonly fence: WriterFence = new WriterFence(),
  ) {}

  readonly load = async (): Promise<SyncState> => {
    if (!(await this.ready())) return emptyState();
    return this.consistently(async (client) => {
      const { rows } = await client.query(
        'SELECT kind, id, provider, hash, sequence::text AS sequence, fields, input FROM flagsync_records WHERE kind = ANY($1)',
        [KINDS],
      );
      const state = emptyState();
      for (const row of decodeOrThrow(RowsCodec, rows, 'state rows in PostgreSQL')) recordsOf(state, row.kind)[row.id] = toRecord(row);
      for (const [provider, source] of Object.entries(await loadSources(client))) sourcesOf(state)[provider] = source;
      for (const [id, repository] of Object.entries(await loadRepositories(client))) repositoryRecordsOf(state)[id] = repository;
      return state;
    });
  };

  /**
   * Reads in one snapshot: `status` and `plan` read without the writer lock, while a replica's run may commit between
   * two queries (records of a batch without the source record written after it, say).
   */
  private async consistently<T>(read: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const result = await read(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // As in write: a statement that timed out leaves the connection busy; it is destroyed, not rolled back.
      if (isQueryTimeout(error)) broken = error as Error;
      else await client.query('ROLLBACK').catch((rollbackError: unknown) => (broken = rollbackError as Error));
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /**
   * Counted by the database (the provider index), so an unchanged run never transfers the rows. A provider with
   * repository records only is listed with no records (n 0), as `summarize` lists it. One statement, so one round
   * trip on every sync and one snapshot: the counts and the source records agree even while another replica commits.
   */
  readonly loadSummary = async (): Promise<StateSummary> => {
    if (!(await this.ready())) return { sources: {}, holdings: {} };
    const { rows } = await this.pool.query<{ holdings: unknown; sources: unknown }>(
      `SELECT
         (SELECT coalesce(json_agg(h), '[]') FROM (
            SELECT kind, provider, count(*)::int AS n, bool_or(hash = '') AS dirty FROM flagsync_records WHERE kind = ANY($1) GROUP BY kind, provider
            UNION ALL SELECT DISTINCT 'devinfo', provider, 0, false FROM flagsync_repositories) h) AS holdings,
         (SELECT coalesce(json_agg(s), '[]') FROM (${SOURCES_QUERY}) s) AS sources`,
      [KINDS],
    );
    const holdings: Partial<Record<KindName, Record<string, ProviderHolding>>> = {};
    for (const row of decodeOrThrow(HoldingRowsCodec, rows[0]?.holdings, 'state counts in PostgreSQL')) {
      const held = (holdings[row.kind] ??= {});
      // A provider's repository row (n 0) never hides its records' counts, whichever row comes first.
      if (row.n > 0 || held[row.provider] === undefined) held[row.provider] = { n: row.n, dirty: row.dirty };
    }
    return { sources: sourcesFrom(rows[0]?.sources), holdings };
  };

  readonly save = async (_state: SyncState, changes: readonly RecordChange[]): Promise<void> => this.write(changes);

  /**
   * Write-ahead (records marked in flight before a request leaves, deletes one by one): rows are already the
   * store's whole form, so appending is the same transactional write as a save.
   */
  readonly append = async (changes: readonly RecordChange[]): Promise<void> => this.write(changes);

  /** Rejects, naming the cause, when nothing could be saved: the database is unreachable or read-only (a standby). */
  readonly checkWritable = async (): Promise<void> => {
    await tablesForWriting(this.ready);
    const { rows } = await this.pool.query<{ ro: string }>("SELECT current_setting('transaction_read_only') AS ro");
    if (rows[0]?.ro === 'on')
      throw new Error('cannot save state to PostgreSQL: the database is read-only (a standby, or default_transaction_read_only)');
  };

  private async write(changes: readonly RecordChange[]): Promise<void> {
    if (changes.length === 0) return;
    await tablesForWriting(this.ready);
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      await this.fence.check(client);
      const last = lastPerEntity(changes);
      const puts = last.filter((c): c is Extract<RecordChange, { type: 'put' }> => c.type === 'put');
      const marks = last.filter((c): c is InFlightChange => c.type === 'inflight');
      const deletes = last.filter((c): c is Extract<RecordChange, { type: 'delete' }> => c.type === 'delete');
      for (let at = 0; at < puts.length; at += CHUNK) await upsert(client, puts.slice(at, at + CHUNK));
      for (let at = 0; at < marks.length; at += CHUNK) await markInFlight(client, marks.slice(at, at + CHUNK));
      for (let at = 0; at < deletes.length; at += CHUNK) await remove(client, deletes.slice(at, at + CHUNK));
      for (const change of last.filter((c): c is SourceChange => c.type === 'source')) await writeSource(client, change);
      const repositories = last.filter((c): c is RepositoryChange => c.type === 'repository');
      if (repositories.length > 0) await writeRepositories(client, repositories);
      await client.query('COMMIT');
    } catch (error) {
      // A statement that timed out left the connection busy (maybe half-open): no ROLLBACK on it, which would wait as
      // long again; the connection is destroyed instead, and the server rolls back when it goes.
      if (isQueryTimeout(error)) broken = error as Error;
      else await client.query('ROLLBACK').catch((rollbackError: unknown) => (broken = rollbackError as Error));
      throw new Error(`cannot save state to PostgreSQL: ${(error as Error).message}`, { cause: error });
    } finally {
      // With an error the pool destroys the client rather than hand it to the next save.
      client.release(broken);
    }
  }

  /** How many records the store holds, repository records included (for `state migrate`, which refuses to mix two states). */
  async count(): Promise<number> {
    if (!(await this.ready())) return 0;
    const { rows } = await this.pool.query<{ n: string }>(
      'SELECT ((SELECT count(*) FROM flagsync_records) + (SELECT count(*) FROM flagsync_repositories))::text AS n',
    );
    return Number(rows[0]?.n ?? 0);
  }
}

async function loadRepositories(client: PoolClient): Promise<Record<string, RepositoryRecord>> {
  const { rows } = await client.query('SELECT id, provider, first_synced, read_cursor FROM flagsync_repositories');
  const repositories: Record<string, RepositoryRecord> = {};
  for (const row of decodeOrThrow(RepositoryRowsCodec, rows, 'repository rows in PostgreSQL')) {
    repositories[row.id] = {
      p: row.provider,
      ...(row.first_synced !== null && { t: row.first_synced }),
      ...(row.read_cursor !== null && { c: row.read_cursor }),
    };
  }
  return repositories;
}

const SOURCES_QUERY = 'SELECT provider, fingerprint, mapping, flags, unlinked FROM flagsync_sources';

async function loadSources(client: PoolClient): Promise<Record<string, SourceRecord>> {
  return sourcesFrom((await client.query(SOURCES_QUERY)).rows);
}

function sourcesFrom(rows: unknown): Record<string, SourceRecord> {
  const sources: Record<string, SourceRecord> = {};
  for (const row of decodeOrThrow(SourceRowsCodec, rows, 'source rows in PostgreSQL')) {
    sources[row.provider] = { f: row.fingerprint, m: row.mapping, n: row.flags, u: row.unlinked };
  }
  return sources;
}

async function upsert(client: PoolClient, puts: readonly Extract<RecordChange, { type: 'put' }>[]): Promise<void> {
  await client.query(
    `INSERT INTO flagsync_records (kind, id, provider, hash, sequence, fields, input)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::jsonb[], $7::text[])
     ON CONFLICT (kind, id) DO UPDATE SET provider = EXCLUDED.provider, hash = EXCLUDED.hash, sequence = EXCLUDED.sequence,
       fields = EXCLUDED.fields, input = EXCLUDED.input, updated_at = now()`,
    [
      puts.map((c) => c.kind),
      puts.map((c) => c.id),
      puts.map((c) => c.record.p),
      puts.map((c) => c.record.h),
      puts.map((c) => String(c.record.s)),
      puts.map((c) => (c.record.f === undefined ? null : JSON.stringify(c.record.f))),
      puts.map((c) => c.record.i ?? null),
    ],
  );
}

/** `inFlight` in SQL: the row's hash emptied and its source fingerprint dropped, its field fingerprints kept. */
async function markInFlight(client: PoolClient, marks: readonly InFlightChange[]): Promise<void> {
  await client.query(
    `INSERT INTO flagsync_records (kind, id, provider, hash, sequence, fields, input)
     SELECT kind, id, provider, '', sequence, NULL, NULL FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])
       AS m(kind, id, provider, sequence)
     ON CONFLICT (kind, id) DO UPDATE SET provider = EXCLUDED.provider, hash = '', sequence = EXCLUDED.sequence, input = NULL,
       updated_at = now()`,
    [marks.map((c) => c.kind), marks.map((c) => c.id), marks.map((c) => c.p), marks.map((c) => String(c.s))],
  );
}

async function remove(client: PoolClient, deletes: readonly EntityChange[]): Promise<void> {
  await client.query('DELETE FROM flagsync_records WHERE (kind, id) IN (SELECT * FROM unnest($1::text[], $2::text[]))', [
    deletes.map((c) => c.kind),
    deletes.map((c) => c.id),
  ]);
}

/** Repository records set and dropped (a run's first syncs: a few rows, one statement each way). */
async function writeRepositories(client: PoolClient, changes: readonly RepositoryChange[]): Promise<void> {
  const sets = changes.flatMap((c) =>
    c.record === undefined ? [] : [{ id: c.id, provider: c.record.p, t: c.record.t ?? null, c: c.record.c ?? null }],
  );
  const drops = changes.flatMap((c) => (c.record === undefined ? [c.id] : []));
  if (drops.length > 0) await client.query('DELETE FROM flagsync_repositories WHERE id = ANY($1::text[])', [drops]);
  if (sets.length === 0) return;
  await client.query(
    `INSERT INTO flagsync_repositories (id, provider, first_synced, read_cursor)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
     ON CONFLICT (id) DO UPDATE SET provider = EXCLUDED.provider, first_synced = EXCLUDED.first_synced,
       read_cursor = EXCLUDED.read_cursor, updated_at = now()`,
    [sets.map((r) => r.id), sets.map((r) => r.provider), sets.map((r) => r.t), sets.map((r) => r.c)],
  );
}

async function writeSource(client: PoolClient, change: SourceChange): Promise<void> {
  const { provider, record } = change;
  if (record === undefined) {
    await client.query('DELETE FROM flagsync_sources WHERE provider = $1', [provider]);
    return;
  }
  await client.query(
    `INSERT INTO flagsync_sources (provider, fingerprint, mapping, flags, unlinked) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (provider) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, mapping = EXCLUDED.mapping, flags = EXCLUDED.flags,
       unlinked = EXCLUDED.unlinked, updated_at = now()`,
    [provider, record.f, record.m, record.n, record.u],
  );
}
