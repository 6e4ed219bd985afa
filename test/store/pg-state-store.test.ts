import { strict as assert } from 'node:assert';
import type { KindName } from '../../src/jira/types';
import { summarize, type EntityRecord } from '../../src/reconcile/state';
import { Client, type Pool } from 'pg';
import * as sinon from 'sinon';
import { createPool } from '../../src/store/postgres/connect';
import { PgStateStore } from '../../src/store/postgres/pg-state-store';
import { MIGRATIONS, migrate } from '../../src/store/postgres/migrations';
import { postgresBackend, type PgBackend } from '../../src/store/postgres/pg-backend';
import type { RecordChange } from '../../src/store/types';
import { createTestDatabase, queryDatabase, type TestDatabase } from '../helpers/postgres';

const put = (id: string, record: EntityRecord, kind: KindName = 'featureflags'): RecordChange => ({
  type: 'put',
  kind,
  id,
  record,
});
const record = (h: string, s = 1_800_000_000_123): EntityRecord => ({ h, s, p: 'files', f: { summary: `sum-${h}` }, i: `in-${h}` });

describe('PostgreSQL state store', function () {
  this.timeout(30_000);
  let db: TestDatabase;
  let backend: PgBackend;

  beforeEach(async () => {
    db = await createTestDatabase();
    backend = postgresBackend(db.url);
  });
  afterEach(async () => {
    await backend.close();
    await db.drop();
  });

  it('creates its tables on first use and records the schema version', async () => {
    assert.deepEqual(await backend.state.load(), { version: 1, entities: {} });
    const versions = await queryDatabase<{ version: number }>(db.url, 'SELECT version FROM flagsync_schema_migrations ORDER BY version');
    assert.deepEqual(
      versions.map((v) => v.version),
      MIGRATIONS.map((m) => m.version),
    );
    const tables = await queryDatabase<{ table_name: string }>(
      db.url,
      "SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'flagsync_%' ORDER BY table_name",
    );
    assert.deepEqual(
      tables.map((t) => t.table_name),
      ['flagsync_records', 'flagsync_repositories', 'flagsync_runs', 'flagsync_schema_migrations', 'flagsync_sources', 'flagsync_writer'],
    );
  });

  it("keeps a run's scope in the run log (a watch sync, --provider), and none for a run of every provider", async () => {
    await backend.runs.start('pod-a:1', '2026-11-30T06:00:00.000Z');
    await backend.runs.start('pod-a:1', '2026-11-30T06:00:01.000Z', 'flags');
    assert.deepEqual(
      (await backend.runs.recent(5)).map((r) => [r.startedAt, r.scope]),
      [
        ['2026-11-30T06:00:01.000Z', 'flags'],
        ['2026-11-30T06:00:00.000Z', undefined],
      ],
    );
    // By scope: the runs of every provider, or of one, whatever came since.
    assert.deepEqual(
      [
        (await backend.runs.recent(5, { scope: undefined })).map((r) => r.startedAt),
        (await backend.runs.recent(5, { scope: 'flags' })).map((r) => r.startedAt),
      ],
      [['2026-11-30T06:00:00.000Z'], ['2026-11-30T06:00:01.000Z']],
    );
    // Neither ended: both are ended as interrupted by the next holder of the lock.
    assert.equal(await backend.runs.endAbandoned('2026-11-30T07:00:00.000Z', 'interrupted: gone'), 2);
    assert.deepEqual(
      (await backend.runs.recent(5)).map((r) => [r.outcome, r.endedAt, r.reason]),
      [
        ['error', '2026-11-30T07:00:00.000Z', 'interrupted: gone'],
        ['error', '2026-11-30T07:00:00.000Z', 'interrupted: gone'],
      ],
    );
    assert.equal(await backend.runs.endAbandoned('2026-11-30T07:00:01.000Z', 'interrupted: gone'), 0);
  });

  it("keeps each scope's newest runs when it prunes the run log to its last 1000", async () => {
    const full = await backend.runs.start('pod-a:1', '2026-11-30T05:00:00.000Z');
    await backend.runs.finish(full, { endedAt: '2026-11-30T05:00:01.000Z', outcome: 'ok' });
    // 1000 watch syncs after it, written at once (1000 round trips would only slow the test).
    await queryDatabase(
      db.url,
      `INSERT INTO flagsync_runs (id, replica, started_at, ended_at, outcome, scope)
       SELECT 'w' || n, 'pod-a:1', timestamptz '2026-11-30T06:00:00Z' + n * interval '1 second',
              timestamptz '2026-11-30T06:00:00Z' + n * interval '1 second', 'ok', 'files'
       FROM generate_series(1, 1000) AS n`,
    );
    const last = await backend.runs.start('pod-a:1', '2026-11-30T07:00:00.000Z', 'files');
    await backend.runs.finish(last, { endedAt: '2026-11-30T07:00:01.000Z', outcome: 'ok' });
    assert.deepEqual(
      (await backend.runs.recent(1, { scope: undefined })).map((r) => r.id),
      [full],
    );
  });

  it('gives up on a statement that gets no answer (a half-open connection waits hours otherwise)', async () => {
    const pool = createPool(db.url, 300);
    try {
      const started = Date.now();
      await assert.rejects(pool.query('SELECT pg_sleep(5)'), /timeout/i);
      assert.ok(Date.now() - started < 3000, `${Date.now() - started} ms`);
    } finally {
      await pool.end();
    }
  });

  it('a save whose statement timed out fails and drops its connection (no ROLLBACK waiting on it); the next save works', async () => {
    const pool = createPool(db.url, 500);
    const store = new PgStateStore(pool, () => migrate(pool).then(() => true));
    const put = (id: string): RecordChange => ({ type: 'put', kind: 'featureflags', id, record: { h: 'h', s: 1, p: 'p' } });
    const blocker = new Client({ connectionString: db.url });
    try {
      await store.append([put('p:a')]);
      await blocker.connect();
      // Another session holds the table: the next save's statement waits, as on a connection that answers nothing.
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE flagsync_records IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      await assert.rejects(store.append([put('p:b')]), /cannot save state to PostgreSQL: Query read timeout/);
      assert.ok(Date.now() - started < 2500, `${Date.now() - started} ms: one timeout, no second wait for a ROLLBACK`);
      await blocker.query('ROLLBACK');
      await store.append([put('p:c')]);
      const ids = await queryDatabase<{ id: string }>(db.url, 'SELECT id FROM flagsync_records ORDER BY id');
      assert.deepEqual(
        ids.map((r) => r.id),
        ['p:a', 'p:c'],
      );
    } finally {
      await blocker.end().catch(() => undefined);
      await pool.end();
    }
  });

  it('replicas starting together migrate once, and a second migrate changes nothing', async () => {
    const pools = [createPool(db.url), createPool(db.url), createPool(db.url)];
    try {
      await Promise.all(pools.map((p) => migrate(p)));
      await migrate(pools[0]!);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
    const rows = await queryDatabase<{ n: string }>(db.url, 'SELECT count(*)::text AS n FROM flagsync_schema_migrations');
    assert.equal(rows[0]!.n, String(MIGRATIONS.length));
  });

  it('applies a later migration to a database at an earlier version', async () => {
    const pool = createPool(db.url);
    try {
      await migrate(pool);
      const version = MIGRATIONS.length + 1;
      const next = { version, name: 'test step', sql: 'ALTER TABLE flagsync_records ADD COLUMN note text' };
      assert.equal(await migrate(pool, [...MIGRATIONS, next]), version);
    } finally {
      await pool.end();
    }
    const columns = await queryDatabase(
      db.url,
      "SELECT 1 FROM information_schema.columns WHERE table_name = 'flagsync_records' AND column_name = 'note'",
    );
    assert.equal(columns.length, 1);
  });

  it('a step whose table another session holds gives up after its lock timeout, naming the step; readers are not queued behind it; the next try works', async () => {
    const pool = createPool(db.url);
    const reader = new Client({ connectionString: db.url });
    try {
      await migrate(pool);
      const version = MIGRATIONS.length + 1;
      const next = { version, name: 'test step', sql: 'ALTER TABLE flagsync_runs ADD COLUMN note text' };
      await reader.connect();
      await reader.query('BEGIN');
      await reader.query('SELECT count(*) FROM flagsync_runs'); // a long reader, as pg_dump holds its tables
      await assert.rejects(
        migrate(pool, [...MIGRATIONS, next], 300),
        new RegExp(
          `^Error: cannot upgrade the flagsync schema to version ${version} \\(test step\\): another session held a table it changes for 0\\.3 s`,
        ),
      );
      // Nothing of the step waits on in the server's lock queue, so another reader of the table is answered.
      const waiting = await queryDatabase(
        db.url,
        "SELECT 1 FROM pg_stat_activity WHERE query LIKE '%ADD COLUMN note%' AND pid <> pg_backend_pid()",
      );
      assert.deepEqual(waiting, []);
      assert.equal((await pool.query('SELECT 1 AS one')).rows[0].one, 1, 'the pool still answers');
      await reader.query('COMMIT');
      assert.equal(await migrate(pool, [...MIGRATIONS, next], 300), version);
    } finally {
      await reader.end().catch(() => undefined);
      await pool.end();
    }
  });

  it('a database written before repository records existed: each repository with an accepted record gets one as it migrates', async () => {
    const pool = createPool(db.url);
    try {
      await migrate(pool, MIGRATIONS.slice(0, 3));
      await pool.query(
        `INSERT INTO flagsync_records (kind, id, provider, hash, sequence) VALUES
           ('devinfo', 'web/commit/1', 'code', 'x', 1),
           -- moved to another provider: the latest accepted record names the provider that holds it now
           ('devinfo', 'web/branch/main', 'code-api', 'y', 3),
           ('devinfo', 'web/branch/old', 'code', 'z', 2),
           -- in flight only: Jira never confirmed anything of it, so its first sync is not done
           ('devinfo', 'api/commit/2', 'code', '', 4),
           ('featureflags', 'demo:a', 'demo', 'f', 1)`,
      );
      await migrate(pool);
    } finally {
      await pool.end();
    }
    assert.deepEqual((await backend.state.load()).repositories, { web: { p: 'code-api' } });
  });

  it('refuses a database written by a newer flagsync', async () => {
    await backend.state.load();
    await queryDatabase(db.url, "INSERT INTO flagsync_schema_migrations (version, name) VALUES (99, 'from the future')");
    const fresh = postgresBackend(db.url);
    try {
      await assert.rejects(
        fresh.state.load(),
        new RegExp(`schema is version 99, newer than this flagsync knows \\(${MIGRATIONS.length}\\); upgrade flagsync`),
      );
    } finally {
      await fresh.close();
    }
  });

  it('keeps one row per entity record and loads back what was saved', async () => {
    const bare: EntityRecord = { h: '', s: 7, p: 'git' };
    // Field fingerprints packed into one string (as records are written now) and of the legacy object form.
    const packed: EntityRecord = { h: 'c', s: 8, p: 'files', f: 'AAAAAAAAAABBBBBBBBBB["key","env:production"]' };
    await backend.state.save({ version: 1, entities: {} }, [
      put('files:a', record('a')),
      put('files:b', record('b')),
      put('files:c', packed),
      put('repo/1', bare, 'devinfo'),
    ]);
    assert.deepEqual(await backend.state.load(), {
      version: 1,
      entities: { featureflags: { 'files:a': record('a'), 'files:b': record('b'), 'files:c': packed }, devinfo: { 'repo/1': bare } },
    });
    const rows = await queryDatabase<{ n: string }>(db.url, 'SELECT count(*)::text AS n FROM flagsync_records');
    assert.equal(rows[0]!.n, '4');
  });

  it("keeps a provider's source record (the unchanged-source skip) and drops it when told", async () => {
    const source = { f: 'bytes-1', m: 'mapping-1', n: 12, u: 2 };
    await backend.state.save({ version: 1, entities: {} }, [{ type: 'source', provider: 'files', record: source }]);
    assert.deepEqual(await backend.state.load(), { version: 1, entities: {}, sources: { files: source } });
    await backend.state.save({ version: 1, entities: {} }, [
      { type: 'source', provider: 'files', record: { ...source, f: 'bytes-2' } },
      { type: 'source', provider: 'other', record: source },
    ]);
    assert.deepEqual((await backend.state.load()).sources, { files: { ...source, f: 'bytes-2' }, other: source });
    await backend.state.save({ version: 1, entities: {} }, [{ type: 'source', provider: 'files' }]);
    assert.deepEqual((await backend.state.load()).sources, { other: source });
  });

  it('keeps the devinfo repositories whose first sync is done, for a new connection too, and drops them when told', async () => {
    await backend.state.save({ version: 1, entities: {} }, [
      { type: 'repository', id: 'web', record: { p: 'code' } },
      { type: 'repository', id: 'api', record: { p: 'code' } },
    ]);
    await backend.state.append([
      { type: 'repository', id: 'api' },
      { type: 'repository', id: 'docs', record: { p: 'docs-git' } },
      // The last change per repository wins within one write.
      { type: 'repository', id: 'web', record: { p: 'renamed' } },
    ]);
    const other = postgresBackend(db.url);
    try {
      assert.deepEqual(await other.state.load(), {
        version: 1,
        entities: {},
        repositories: { web: { p: 'renamed' }, docs: { p: 'docs-git' } },
      });
    } finally {
      await other.close();
    }
  });

  it('a save writes only the rows that changed', async () => {
    await backend.state.save({ version: 1, entities: {} }, [
      put('files:a', record('a')),
      put('files:b', record('b')),
      put('files:c', record('c')),
    ]);
    const before = await queryDatabase<{ id: string; xmin: string }>(db.url, 'SELECT id, xmin::text FROM flagsync_records ORDER BY id');
    await backend.state.save({ version: 1, entities: {} }, [
      put('files:b', record('b2', 1_800_000_000_999)),
      { type: 'delete', kind: 'featureflags', id: 'files:c' },
    ]);
    const after = await queryDatabase<{ id: string; xmin: string }>(db.url, 'SELECT id, xmin::text FROM flagsync_records ORDER BY id');
    assert.deepEqual(
      after.map((r) => r.id),
      ['files:a', 'files:b'],
    );
    assert.equal(after[0]!.xmin, before[0]!.xmin, 'files:a was not rewritten');
    assert.notEqual(after[1]!.xmin, before[1]!.xmin, 'files:b was rewritten');
    assert.deepEqual((await backend.state.load()).entities.featureflags, {
      'files:a': record('a'),
      'files:b': record('b2', 1_800_000_000_999),
    });
  });

  it('the last change per entity wins within one save', async () => {
    await backend.state.save({ version: 1, entities: {} }, [
      put('files:a', record('a')),
      { type: 'delete', kind: 'featureflags', id: 'files:a' },
      put('files:b', record('b')),
      put('files:b', record('b3')),
    ]);
    assert.deepEqual((await backend.state.load()).entities.featureflags, { 'files:b': record('b3') });
  });

  it('a mark in flight empties the hash and the source fingerprint and keeps the field fingerprints, as the file store replays it', async () => {
    await backend.state.save({ version: 1, entities: {} }, [put('files:a', record('a')), put('files:d', record('d'))]);
    await backend.state.append([
      { type: 'inflight', kind: 'featureflags', id: 'files:a', s: 1_800_000_000_200, p: 'renamed' },
      { type: 'inflight', kind: 'featureflags', id: 'files:new', s: 1_800_000_000_200, p: 'files' },
      // After a put in the same write, the mark is of what that put wrote.
      put('files:b', record('b')),
      { type: 'inflight', kind: 'featureflags', id: 'files:b', s: 1_800_000_000_300, p: 'files' },
      // After a delete in the same write, of no record: no fingerprints kept from the row before.
      { type: 'delete', kind: 'featureflags', id: 'files:d' },
      { type: 'inflight', kind: 'featureflags', id: 'files:d', s: 1_800_000_000_400, p: 'files' },
    ]);
    assert.deepEqual((await backend.state.load()).entities.featureflags, {
      'files:a': { h: '', s: 1_800_000_000_200, p: 'renamed', f: { summary: 'sum-a' } },
      'files:d': { h: '', s: 1_800_000_000_400, p: 'files' },
      'files:new': { h: '', s: 1_800_000_000_200, p: 'files' },
      'files:b': { h: '', s: 1_800_000_000_300, p: 'files', f: { summary: 'sum-b' } },
    });
  });

  it('a save is all or nothing', async () => {
    await backend.state.save({ version: 1, entities: {} }, [put('files:a', record('a'))]);
    // PostgreSQL text cannot hold NUL, so the second row fails after the first was written in the same transaction.
    const changes = [put('files:a', record('a2')), put('files:\u0000bad', record('x'))];
    await assert.rejects(backend.state.save({ version: 1, entities: {} }, changes), /cannot save state to PostgreSQL/);
    assert.deepEqual((await backend.state.load()).entities.featureflags, { 'files:a': record('a') });
  });

  it('saves many changes in chunks', async () => {
    const many = Array.from({ length: 5001 }, (_, i) => put(`files:f${i}`, record(`h${i}`)));
    await backend.state.save({ version: 1, entities: {} }, many);
    assert.equal(Object.keys((await backend.state.load()).entities.featureflags ?? {}).length, 5001);
    assert.equal(await backend.state.count(), 5001);
  });

  it('names the database, not the password, when it cannot connect', async () => {
    const unreachable = postgresBackend('postgres://flagsync:s3cret-pw@127.0.0.1:1/nowhere');
    try {
      const error = await unreachable.state.load().then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      assert.ok(error !== undefined);
      assert.match(error.message, /postgres 127\.0\.0\.1:1\/nowhere: cannot prepare the flagsync tables/);
      assert.doesNotMatch(error.message, /s3cret-pw/);
    } finally {
      await unreachable.close();
    }
  });
});

describe('PostgreSQL state store: write-ahead and writability', function () {
  this.timeout(30_000);
  let db: TestDatabase;
  let backend: PgBackend;
  beforeEach(async () => {
    db = await createTestDatabase();
    backend = postgresBackend(db.url);
  });
  afterEach(async () => {
    await backend.close();
    await db.drop();
  });

  it('append makes changes durable at once (a fresh connection loads them)', async () => {
    const inFlight: EntityRecord = { h: '', s: 1_800_000_000_500, p: 'files' };
    await backend.state.append([put('files:a', inFlight)]);
    const other = postgresBackend(db.url);
    try {
      assert.deepEqual((await other.state.load()).entities.featureflags, { 'files:a': inFlight });
    } finally {
      await other.close();
    }
  });

  it('loadSummary counts records per kind and provider in the database and equals the summary of a load', async () => {
    await backend.state.save({ version: 1, entities: {} }, [
      put('files:a', record('a')),
      put('files:b', { h: '', s: 5, p: 'files' }),
      put('other:c', { ...record('c'), p: 'other' }),
      put('repo', { h: 'r', s: 1, p: 'git' }, 'devinfo'),
      { type: 'source', provider: 'files', record: { f: 'bytes', m: 'mapping', n: 2, u: 1 } },
      // A repository record of a provider with records, and one of a provider without any (it linked nothing yet).
      { type: 'repository', id: 'repo', record: { p: 'git' } },
      { type: 'repository', id: 'empty', record: { p: 'new-git' } },
    ]);
    const summary = await backend.state.loadSummary!();
    assert.deepEqual(summary, {
      sources: { files: { f: 'bytes', m: 'mapping', n: 2, u: 1 } },
      holdings: {
        featureflags: { files: { n: 2, dirty: true }, other: { n: 1, dirty: false } },
        devinfo: { git: { n: 1, dirty: false }, 'new-git': { n: 0, dirty: false } },
      },
    });
    assert.deepEqual(summary, summarize(await backend.state.load()));
  });

  it('loadSummary takes one round trip (holdings with repository records, sources): it runs on every sync', async () => {
    const pool = createPool(db.url);
    try {
      await migrate(pool);
      const store = new PgStateStore(pool, () => Promise.resolve(true));
      await store.save({ version: 1, entities: {} }, [
        put('repo/branch/main', { h: 'r', s: 1, p: 'git' }, 'devinfo'),
        { type: 'repository', id: 'empty', record: { p: 'new-git' } },
      ]);
      const query = sinon.spy(pool, 'query');
      const summary = await store.loadSummary();
      assert.deepEqual(summary.holdings, { devinfo: { git: { n: 1, dirty: false }, 'new-git': { n: 0, dirty: false } } });
      assert.equal(query.callCount, 1);
    } finally {
      sinon.restore();
      await pool.end();
    }
  });

  it('checkWritable passes on a writable database and names a read-only one', async () => {
    await backend.state.checkWritable();
    await queryDatabase(db.url, `ALTER DATABASE ${db.name} SET default_transaction_read_only = on`);
    const readOnly = postgresBackend(db.url);
    try {
      await assert.rejects(readOnly.state.checkWritable(), /the database is read-only/);
    } finally {
      await readOnly.close(); // the database is dropped after the test, read-only or not
    }
  });
  it('reads records and source records in one snapshot: what another replica commits between the queries is not half seen', async () => {
    const pool = createPool(db.url);
    try {
      await migrate(pool);
      // Between this load's first query and the next, another session commits a source record.
      let committed = false;
      const between = {
        query: pool.query.bind(pool),
        connect: async () => {
          const client = await pool.connect();
          const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
          (client as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = async (...args: unknown[]) => {
            const result = await query(...args);
            if (!committed && String(args[0]).includes('FROM flagsync_records')) {
              committed = true;
              await queryDatabase(
                db.url,
                "INSERT INTO flagsync_sources (provider, fingerprint, mapping, flags, unlinked) VALUES ('late', 'f', 'm', 1, 0)",
              );
            }
            return result;
          };
          return client;
        },
      };
      const store = new PgStateStore(between as unknown as Pool, () => Promise.resolve(true));
      const first = await store.load();
      assert.equal(committed, true);
      assert.deepEqual(first.sources ?? {}, {});
      assert.deepEqual(Object.keys((await store.load()).sources ?? {}), ['late']);
      assert.deepEqual(Object.keys((await store.loadSummary()).sources), ['late']);
    } finally {
      await pool.end();
    }
  });
});
