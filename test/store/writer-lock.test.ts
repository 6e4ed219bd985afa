import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { Client, Pool } from 'pg';
import { promises as fsPromises } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as sinon from 'sinon';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileBackend } from '../../src/store/file/file-backend';
import { lockKey } from '../../src/store/postgres/migrations';
import { postgresBackend } from '../../src/store/postgres/pg-backend';
import { sessionOf, WriterFence, type LockSession } from '../../src/store/postgres/writer-fence';
import type { LockHolder, StateBackend } from '../../src/store/types';
import { tempDir } from '../helpers/flagd-fixtures';
import { createTestDatabase, queryDatabase, type TestDatabase } from '../helpers/postgres';

const holder = (pid: number, host = os.hostname(), since = '2026-11-29T10:00:00.000Z'): LockHolder => ({ host, pid, since });

/** A pid that is surely not running: a child that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

interface Setup {
  readonly name: string;
  open(): Promise<{ backend: () => StateBackend; cleanup: () => Promise<void> }>;
}

const setups: Setup[] = [
  {
    name: 'file store (lock file)',
    async open() {
      const dir = await tempDir();
      return { backend: () => fileBackend(path.join(dir, 'state.json')), cleanup: () => rm(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'postgres store (advisory lock)',
    async open() {
      const db: TestDatabase = await createTestDatabase();
      const opened: StateBackend[] = [];
      return {
        backend: () => {
          const b = postgresBackend(db.url);
          opened.push(b);
          return b;
        },
        cleanup: async () => {
          await Promise.all(opened.map((b) => b.close()));
          await db.drop();
        },
      };
    },
  },
];

for (const setup of setups) {
  describe(`writer lock: ${setup.name}`, function () {
    this.timeout(30_000);
    let env: Awaited<ReturnType<Setup['open']>>;
    beforeEach(async () => (env = await setup.open()));
    afterEach(() => env.cleanup());

    it('one holder at a time; the one refused learns who holds it and since when', async () => {
      const a = env.backend();
      const b = env.backend();
      const first = await a.lock.tryAcquire(holder(process.pid, 'replica-a', '2026-11-29T10:00:00.000Z'));
      assert.equal(first.acquired, true);
      const second = await b.lock.tryAcquire(holder(process.pid, 'replica-b'));
      assert.equal(second.acquired, false);
      assert.deepEqual(second.acquired ? undefined : second.holder, holder(process.pid, 'replica-a', '2026-11-29T10:00:00.000Z'));
      if (first.acquired) await first.release();
      const third = await b.lock.tryAcquire(holder(process.pid, 'replica-b'));
      assert.equal(third.acquired, true);
      if (third.acquired) await third.release();
    });
  });
}

describe('writer lock: lock file takeover', function () {
  this.timeout(30_000);
  let dir: string;
  let lockFile: string;
  beforeEach(async () => {
    dir = await tempDir();
    lockFile = path.join(dir, 'state.json.lock');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('takes over the lock of a dead process on this host and says whose it was', async () => {
    const dead = holder(await deadPid());
    await writeFile(lockFile, JSON.stringify(dead));
    const attempt = await fileBackend(path.join(dir, 'state.json')).lock.tryAcquire(holder(process.pid));
    assert.equal(attempt.acquired, true);
    assert.deepEqual(attempt.acquired ? attempt.tookOverFrom : undefined, dead);
    assert.equal(JSON.parse(await readFile(lockFile, 'utf8')).pid, process.pid);
    if (attempt.acquired) await attempt.release();
  });

  it('leaves a live holder alone', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      await writeFile(lockFile, JSON.stringify(holder(child.pid!)));
      const attempt = await fileBackend(path.join(dir, 'state.json')).lock.tryAcquire(holder(process.pid));
      assert.equal(attempt.acquired, false);
    } finally {
      child.kill();
    }
  });

  it('leaves a holder on another host alone (its process cannot be checked from here)', async () => {
    await writeFile(lockFile, JSON.stringify(holder(await deadPid(), 'some-other-host')));
    const attempt = await fileBackend(path.join(dir, 'state.json')).lock.tryAcquire(holder(process.pid));
    assert.equal(attempt.acquired, false);
  });

  it('takes over a lock its own pid left in an earlier life (a restarted container is pid 1 again)', async () => {
    await writeFile(lockFile, JSON.stringify(holder(process.pid, os.hostname(), '2026-01-01T00:00:00.000Z')));
    const attempt = await fileBackend(path.join(dir, 'state.json')).lock.tryAcquire(holder(process.pid));
    assert.equal(attempt.acquired, true);
    if (attempt.acquired) await attempt.release();
  });

  it('the lock appears whole, its holder written (no later run finds an empty lock); nothing else is left beside it', async () => {
    const attempt = await fileBackend(path.join(dir, 'state.json')).lock.tryAcquire(holder(process.pid));
    assert.ok(attempt.acquired);
    assert.deepEqual(JSON.parse(await readFile(lockFile, 'utf8')), holder(process.pid));
    assert.deepEqual(await readdir(dir), ['state.json.lock']);
    await attempt.release();
  });

  it('on a volume without hard links (link fails), the lock is created in place and still excludes others', async () => {
    const link = sinon.stub(fsPromises, 'link').rejects(Object.assign(new Error('operation not permitted'), { code: 'EPERM' }));
    try {
      const first = await fileBackend(path.join(dir, 'state.json')).lock.tryAcquire(holder(process.pid));
      assert.ok(first.acquired);
      assert.ok(link.called, 'link was tried first');
      assert.deepEqual(JSON.parse(await readFile(lockFile, 'utf8')), holder(process.pid));
      const second = await fileBackend(path.join(dir, 'state.json')).lock.tryAcquire(holder(process.pid));
      assert.equal(second.acquired, false, 'a second run is refused while the first holds it');
      assert.deepEqual(await readdir(dir), ['state.json.lock'], 'no file of its own left beside the lock');
      await first.release();
      assert.deepEqual(await readdir(dir), []);
    } finally {
      link.restore();
    }
  });

  it('release removes only its own lock', async () => {
    const backend = fileBackend(path.join(dir, 'state.json'));
    const attempt = await backend.lock.tryAcquire(holder(process.pid));
    assert.ok(attempt.acquired);
    await writeFile(lockFile, JSON.stringify(holder(12345, 'someone-else')));
    await attempt.release();
    assert.equal(JSON.parse(await readFile(lockFile, 'utf8')).host, 'someone-else');
  });
});

describe('writer lock: what killed runs left beside the state file', function () {
  this.timeout(30_000);
  it("is removed by the lock's next holder: temp files, probes and lock staging files of processes gone, nothing else", async () => {
    const dir = await tempDir();
    try {
      const dead = await deadPid();
      const live = process.ppid;
      const left = [
        `state.json.${dead}.1796073238014.tmp`,
        `state.json.summary.${dead}.1796073238015.tmp`,
        `state.runs.json.${dead}.1796073238016.tmp`,
        `state.json.${dead}.probe`,
        `state.json.lock.${dead}.a1b2c3d4.new`,
      ];
      const kept = [`state.json.${live}.1796073238017.tmp`, 'state.json', 'other.json.123.456.tmp', 'notes.txt'];
      for (const name of [...left, ...kept]) await writeFile(path.join(dir, name), '{}');
      const attempt = await fileBackend(path.join(dir, 'state.json')).lock.tryAcquire(holder(process.pid));
      assert.equal(attempt.acquired, true);
      const after = (await readdir(dir)).filter((n) => n !== 'state.json.lock').sort();
      assert.deepEqual(after, [...kept].sort());
      if (attempt.acquired) await attempt.release();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('writer lock: who holds the advisory lock', function () {
  this.timeout(30_000);
  it('is read from PostgreSQL, not from the last holder row: a holder that has not written its row yet is named', async () => {
    const db = await createTestDatabase();
    const a = postgresBackend(db.url);
    const c = postgresBackend(db.url);
    const b = new Client({ connectionString: db.url, application_name: 'flagsync writer replica-b:4242' });
    try {
      const first = await a.lock.tryAcquire(holder(process.pid, 'replica-a'));
      if (first.acquired) await first.release();
      // replica-b has the lock and is still draining: the row still names replica-a.
      await b.connect();
      const { rows } = await b.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${lockKey('writer')}) AS locked`);
      assert.equal(rows[0]?.locked, true);
      const refused = await c.lock.tryAcquire(holder(process.pid, 'replica-c'));
      assert.equal(refused.acquired, false);
      const named = refused.acquired ? undefined : refused.holder;
      assert.deepEqual([named?.host, named?.pid], ['replica-b', 4242]);
      assert.ok(Date.now() - Date.parse(named?.since ?? '') < 60_000, named?.since);
    } finally {
      await b.end();
      await a.close();
      await c.close();
      await db.drop();
    }
  });
});

describe('writer lock: advisory lock of a dead holder', function () {
  this.timeout(30_000);
  it('is free as soon as the holder’s connection is gone', async () => {
    const db = await createTestDatabase();
    const a = postgresBackend(db.url);
    const b = postgresBackend(db.url);
    try {
      const first = await a.lock.tryAcquire(holder(process.pid, 'replica-a'));
      assert.equal(first.acquired, true);
      assert.equal((await b.lock.tryAcquire(holder(process.pid, 'replica-b'))).acquired, false);
      // The holder dies: PostgreSQL ends its session (as when the pod is killed and its connection drops).
      await queryDatabase(
        db.url,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'flagsync writer replica-a:%'",
      );
      const taken = await b.lock.tryAcquire(holder(process.pid, 'replica-b'));
      assert.equal(taken.acquired, true);
      if (taken.acquired) await taken.release();
      if (first.acquired) await first.release();
    } finally {
      await a.close();
      await b.close();
      await db.drop();
    }
  });
});

describe('writer lock: a holder whose PostgreSQL session ends', function () {
  this.timeout(30_000);
  it('learns it (lost aborts), and its state writes are refused while the new holder writes', async () => {
    const db = await createTestDatabase();
    const a = postgresBackend(db.url);
    const b = postgresBackend(db.url);
    try {
      const first = await a.lock.tryAcquire(holder(process.pid, 'replica-a'));
      assert.ok(first.acquired && first.lost !== undefined);
      const mark = { type: 'put', kind: 'featureflags', id: 'p:f', record: { h: '', s: 1, p: 'p' } } as const;
      await a.state.append([mark]); // held: written
      const lost = new Promise<unknown>((resolve) =>
        first.lost!.addEventListener('abort', () => resolve(first.lost!.reason), { once: true }),
      );
      // A PostgreSQL restart, pg_terminate_backend or an idle timeout ends the session: the lock is released.
      await queryDatabase(
        db.url,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'flagsync writer replica-a:%'",
      );
      assert.match(String(await lost), /writer lock's PostgreSQL session ended/);
      const second = await b.lock.tryAcquire(holder(process.pid, 'replica-b'));
      assert.equal(second.acquired, true, 'another replica takes it');
      await assert.rejects(a.state.append([{ ...mark, record: { h: 'stale', s: 2, p: 'p' } }]), /writer lock is gone/);
      await assert.rejects(
        a.state.save({ version: 1, entities: {} }, [{ ...mark, record: { h: 'stale', s: 2, p: 'p' } }]),
        /writer lock is gone/,
      );
      await b.state.append([{ ...mark, record: { h: 'new', s: 3, p: 'p' } }]);
      const rows = await queryDatabase<{ hash: string }>(db.url, "SELECT hash FROM flagsync_records WHERE id = 'p:f'");
      assert.deepEqual(
        rows.map((r) => r.hash),
        ['new'],
        'only the holder wrote',
      );
      if (second.acquired) await second.release();
      await first.release();
    } finally {
      await a.close();
      await b.close();
      await db.drop();
    }
  });

  const put = (id: string, h: string, s: number) => ({ type: 'put', kind: 'featureflags', id, record: { h, s, p: 'p' } }) as const;

  /**
   * Replica A holds the writer lock and has a write on its way to COMMIT, waiting on row y, which another session
   * holds (autovacuum, a slow disk); then A's lock session ends. `aWrite` says how A's write ended; COMMIT on
   * `rowHolder` lets it go on.
   */
  async function stuckWriteOfEndedHolder(db: TestDatabase, a: ReturnType<typeof postgresBackend>) {
    const first = await a.lock.tryAcquire(holder(process.pid, 'replica-a'));
    assert.ok(first.acquired);
    await a.state.append([put('p:y', 'y0', 1), put('p:x', 'x0', 1)]);
    const rowHolder = new Client({ connectionString: db.url });
    await rowHolder.connect();
    await rowHolder.query('BEGIN');
    await rowHolder.query("SELECT 1 FROM flagsync_records WHERE id = 'p:y' FOR UPDATE");
    const aWrite = a.state.append([put('p:y', 'A', 10), put('p:x', 'A', 10)]).then(
      () => 'committed',
      (error: Error) => `refused: ${error.message}`,
    );
    // A's write has passed its check and waits on row y: only then does its lock session end (a fixed pause was not
    // always long enough on a loaded machine).
    for (let waited = 0; ; waited += 20) {
      const waiting = await queryDatabase(
        db.url,
        "SELECT 1 FROM pg_stat_activity WHERE application_name = 'flagsync' AND wait_event_type = 'Lock' AND query LIKE '%flagsync_records%'",
      );
      if (waiting.length > 0) break;
      if (waited > 10_000) throw new Error("A's write never came to wait on row y");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await queryDatabase(
      db.url,
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'flagsync writer replica-a:%'",
    );
    return { first, aWrite, rowHolder };
  }

  /** Replica A's stuck write of `stuckWriteOfEndedHolder` in a database of its own, and replica B to take over. */
  async function withStuckHolder(
    bOptions: Parameters<typeof postgresBackend>[1],
    body: (setting: {
      db: TestDatabase;
      b: ReturnType<typeof postgresBackend>;
      stuck: Awaited<ReturnType<typeof stuckWriteOfEndedHolder>>;
    }) => Promise<void>,
  ): Promise<void> {
    const db = await createTestDatabase();
    const a = postgresBackend(db.url);
    const b = postgresBackend(db.url, bOptions);
    let rowHolder: Client | undefined;
    try {
      const stuck = await stuckWriteOfEndedHolder(db, a);
      rowHolder = stuck.rowHolder;
      await body({ db, b, stuck });
      await stuck.first.release();
    } finally {
      await rowHolder?.end().catch(() => undefined);
      await a.close();
      await b.close();
      await db.drop();
    }
  }

  it('a write that passed its check before the session ended commits before the new holder gets the lock, never after its writes', async () => {
    await withStuckHolder({}, async ({ db, b, stuck }) => {
      let acquiredAt = 0;
      const takeOver = b.lock.tryAcquire(holder(process.pid, 'replica-b')).then((attempt) => ((acquiredAt = Date.now()), attempt));
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal(acquiredAt, 0, "B waits for A's write in flight");
      await stuck.rowHolder.query('COMMIT');
      const second = await takeOver;
      assert.equal(second.acquired, true);
      assert.equal(await stuck.aWrite, 'committed', 'it had passed its check while A held the lock');
      await b.state.append([put('p:x', 'B', 20)]);
      const rows = await queryDatabase<{ id: string; hash: string }>(db.url, 'SELECT id, hash FROM flagsync_records ORDER BY id');
      assert.deepEqual(
        rows.map((r) => [r.id, r.hash]),
        [
          ['p:x', 'B'],
          ['p:y', 'A'],
        ],
      );
      if (second.acquired) await second.release();
    });
  });

  it("an earlier holder's write that stays stuck leaves the lock to a later attempt: refused cleanly, no session left waiting", async () => {
    await withStuckHolder({ drainTimeoutMs: 300 }, async ({ db, b, stuck }) => {
      const started = Date.now();
      const refused = await b.lock.tryAcquire(holder(process.pid, 'replica-b'));
      assert.equal(refused.acquired, false);
      assert.ok(Date.now() - started < 5000, `answered after ${Date.now() - started} ms`);
      // Its session is ended at once (the server may take a moment to see the connection go).
      let left: unknown[] = [];
      for (let i = 0; i < 20; i++) {
        left = await queryDatabase(db.url, "SELECT 1 FROM pg_stat_activity WHERE application_name LIKE 'flagsync writer replica-b:%'");
        if (left.length === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.deepEqual(left, [], 'no session of the refused attempt is left waiting');
      await stuck.rowHolder.query('COMMIT');
      assert.equal(await stuck.aWrite, 'committed');
      const later = await b.lock.tryAcquire(holder(process.pid, 'replica-b'));
      assert.equal(later.acquired, true);
      if (later.acquired) await later.release();
    });
  });

  it('a lock released normally reports nothing lost and fences nothing afterwards', async () => {
    const db = await createTestDatabase();
    const a = postgresBackend(db.url);
    try {
      const first = await a.lock.tryAcquire(holder(process.pid, 'replica-a'));
      assert.ok(first.acquired);
      await first.release();
      assert.equal(first.lost?.aborted, false);
      await a.state.append([{ type: 'put', kind: 'featureflags', id: 'p:f', record: { h: 'x', s: 1, p: 'p' } }]);
    } finally {
      await a.close();
      await db.drop();
    }
  });
});

describe('writer lock: the session that holds it', function () {
  this.timeout(30_000);
  it('is its pid and its start: a session with the same pid that began at another time does not pass the fence', async () => {
    const db = await createTestDatabase();
    const lockSession = new Client({ connectionString: db.url });
    const pool = new Pool({ connectionString: db.url, max: 1 });
    try {
      await lockSession.connect();
      await lockSession.query(`SELECT pg_advisory_lock(${lockKey('writer')})`);
      const session = await sessionOf(lockSession);
      const check = async (held: LockSession): Promise<void> => {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await new WriterFence().check(client).then(() => undefined); // no lock taken: no check
          const fence = new WriterFence();
          fence.hold(held);
          await fence.check(client);
        } finally {
          await client.query('ROLLBACK');
          client.release();
        }
      };
      await check(session);
      // As after a PostgreSQL restart: the pid is the holder's, the session is another (a microsecond later).
      const later = { pid: session.pid, startMicros: String(BigInt(session.startMicros) + 1n) };
      await assert.rejects(check(later), /writer lock is gone/);
    } finally {
      await lockSession.end();
      await pool.end();
      await db.drop();
    }
  });
});

describe('writer lock: a schema a newer flagsync migrated while this one runs', function () {
  this.timeout(30_000);
  it('is refused at the next lock, naming what to do; nothing is written', async () => {
    const db = await createTestDatabase();
    const a = postgresBackend(db.url);
    try {
      const first = await a.lock.tryAcquire(holder(process.pid, 'replica-a'));
      assert.ok(first.acquired);
      await first.release();
      await queryDatabase(db.url, "INSERT INTO flagsync_schema_migrations (version, name) VALUES (9999, 'from a newer flagsync')");
      await assert.rejects(a.lock.tryAcquire(holder(process.pid, 'replica-a')), /schema is version 9999, newer than this flagsync knows/);
      const left = await queryDatabase(db.url, "SELECT 1 FROM pg_stat_activity WHERE application_name LIKE 'flagsync writer replica-a:%'");
      assert.deepEqual(left, [], 'the refused attempt leaves no session');
    } finally {
      await a.close();
      await db.drop();
    }
  });
});
