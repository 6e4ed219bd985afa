import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import { startSimulator, type Simulator } from '../../src/simulator';
import { runCli, startCli, waitFor } from '../helpers/cli';
import { flagdFile, linkedFlags, tempDir, writeEnvironments } from '../helpers/flagd-fixtures';
import { startGatedSource, type GatedSource } from '../helpers/gated-source';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres';
import { flagdProvider, writeSyncConfig } from '../helpers/sync-config';

const FLAGS = 120;

/** How many times each feature flag id was sent in a bulk request Jira answered. */
function submissionsPerFlag(sim: Simulator): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of sim.requests) {
    if (r.method !== 'POST' || !r.path.includes('/featureflags/') || !r.path.endsWith('/bulk')) continue;
    const flags = (r.body as { flags?: Array<{ id: string }> }).flags ?? [];
    for (const f of flags) counts.set(f.id, (counts.get(f.id) ?? 0) + 1);
  }
  return counts;
}

function assertEachSentOnce(sim: Simulator): void {
  const counts = submissionsPerFlag(sim);
  assert.equal(counts.size, FLAGS);
  const twice = [...counts].filter(([, n]) => n !== 1);
  assert.deepEqual(twice, [], 'every flag is submitted exactly once');
}

/** The child's stderr as it arrives (startCli hands it over only at the end). */
function stderrSoFar(run: ReturnType<typeof startCli>): () => string {
  let text = '';
  run.child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  return () => text;
}

const stores: Array<{ name: string; state: (dir: string, db: TestDatabase) => Record<string, unknown> }> = [
  { name: 'file store', state: (dir) => ({ path: path.join(dir, 'state.json') }) },
  { name: 'postgres store', state: (dir, db) => ({ store: 'postgres', url: db.url, path: path.join(dir, 'state.json') }) },
];

for (const store of stores) {
  describe(`one writer at a time (${store.name})`, function () {
    this.timeout(90_000);
    let sim: Simulator;
    let dir: string;
    let db: TestDatabase;
    let config: string;
    let source: GatedSource;

    beforeEach(async () => {
      sim = await startSimulator({});
      dir = await tempDir();
      db = await createTestDatabase();
      await writeEnvironments(dir, linkedFlags(FLAGS));
      // The production flags come over HTTP, and the first read waits for the test: the first run holds the writer
      // lock until the test has seen what it wants from the second.
      source = await startGatedSource(flagdFile(linkedFlags(FLAGS)));
      const provider = flagdProvider('files', dir);
      const environments = (provider['environments'] as Array<Record<string, unknown>>).map((e) =>
        e['name'] === 'production' ? { ...e, source: source.url } : e,
      );
      config = await writeSyncConfig(dir, sim, [{ ...provider, environments }], { state: store.state(dir, db) });
    });
    afterEach(async () => {
      await source.close();
      await sim.close();
      await db.drop();
      await rm(dir, { recursive: true, force: true });
    });

    const holding = (): Promise<void> => waitFor(() => source.requests() > 0, 60_000, 'the first run to take the lock and read its source');

    it('a second run --once meanwhile exits 1 naming the holder and since when; each flag is sent once', async () => {
      const first = startCli(['run', '--once', '--config', config]);
      await holding();
      const second = await runCli(['run', '--once', '--config', config]);
      source.open();
      assert.equal(second.code, 1, second.stderr);
      assert.match(
        second.stderr,
        /flagsync: another run holds the writer lock \(.*\): pid \d+ on host \S+ since \d{4}-\d\d-\d\dT[\d:.]+Z; try again later, or wait for it with --wait-lock/,
      );
      const done = await first.done;
      assert.equal(done.code, 0, done.stderr);
      assertEachSentOnce(sim);
    });

    it('--json says so on stdout too; purge --yes meanwhile deletes nothing and exits 1 (it writes state as a run does)', async () => {
      const first = startCli(['run', '--once', '--config', config]);
      await holding();
      const second = await runCli(['run', '--once', '--json', '--config', config]);
      const purge = await runCli(['purge', '--provider', 'files', '--yes', '--config', config]);
      source.open();
      assert.equal(second.code, 1);
      const fatal = JSON.parse(second.stdout) as { ok: boolean; exitCode: number; error: { message: string } };
      assert.deepEqual([fatal.ok, fatal.exitCode], [false, 1]);
      assert.match(fatal.error.message, /another run holds the writer lock/);
      assert.equal(purge.code, 1, purge.stderr);
      assert.match(purge.stderr, /flagsync purge: another run holds the writer lock .*; nothing was deleted/);
      assert.equal((await first.done).code, 0);
      assert.equal(sim.requests.filter((r) => r.method === 'DELETE').length, 0);
      assertEachSentOnce(sim);
    });

    it('with --wait-lock the second run waits, then finds nothing left to send', async () => {
      const first = startCli(['run', '--once', '--config', config]);
      await holding();
      const second = startCli(['run', '--once', '--wait-lock', '2m', '--json', '--config', config]);
      const log = stderrSoFar(second);
      await waitFor(() => log().includes('waiting for the writer lock'), 60_000, 'the second run to wait for the lock');
      source.open();
      const [one, two] = await Promise.all([first.done, second.done]);
      assert.equal(one.code, 0, one.stderr);
      assert.equal(two.code, 0, two.stderr);
      const summary = JSON.parse(two.stdout) as { providers: Array<{ created: number; updated: number }> };
      assert.deepEqual(
        summary.providers.map((p) => [p.created, p.updated]),
        [[0, 0]],
      );
      assertEachSentOnce(sim);
    });

    it('two runs started together: each flag is submitted once', async () => {
      const runs = [0, 1].map(() => startCli(['run', '--once', '--wait-lock', '2m', '--config', config]));
      const logs = runs.map(stderrSoFar);
      await holding();
      await waitFor(() => logs.some((l) => l().includes('waiting for the writer lock')), 60_000, 'one run to wait for the other');
      source.open();
      const results = await Promise.all(runs.map((r) => r.done));
      for (const r of results) assert.equal(r.code, 0, r.stderr);
      assertEachSentOnce(sim);
    });
  });
}

describe('one writer at a time: a lock left by a dead run (file store)', function () {
  this.timeout(60_000);
  it('is taken over with a warning naming the dead holder', async () => {
    const sim = await startSimulator({});
    const dir = await tempDir();
    try {
      await writeEnvironments(dir, linkedFlags(3));
      const config = await writeSyncConfig(dir, sim, [flagdProvider('files', dir)]);
      const killed = startCli(['run', '--once', '--config', config]);
      sim.injectFault({ type: 'delay', ms: 20_000, path: '/bulk' });
      await waitFor(() => existsSync(path.join(dir, 'state.json.lock')), 30_000, 'the lock file');
      killed.child.kill('SIGKILL');
      await killed.done;
      sim.reset();
      const next = await runCli(['run', '--once', '--config', config]);
      assert.equal(next.code, 0, next.stderr);
      assert.match(next.stderr, new RegExp(`took over a stale writer lock: pid ${killed.child.pid} on host \\S+ since .* is gone`));
    } finally {
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
