import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import * as path from 'node:path';
import axios from 'axios';
import { startSimulator, type Simulator } from '../../src/simulator';
import { startCli, waitFor } from '../helpers/cli';
import { linkedFlags, tempDir, writeEnvironments } from '../helpers/flagd-fixtures';
import { freePort } from '../helpers/ports';
import { createTestDatabase, queryDatabase, type TestDatabase } from '../helpers/postgres';
import { flagdProvider, writeSyncConfig } from '../helpers/sync-config';

const EVERY_2S = '*/2 * * * * *';

interface Run {
  replica: string;
  started_at: Date;
  outcome: string;
}

/** The shared run log; empty until the first replica has created the tables. */
const runsOf = (db: TestDatabase): Promise<Run[]> =>
  queryDatabase<Run & Record<string, unknown>>(db.url, 'SELECT replica, started_at, outcome FROM flagsync_runs ORDER BY started_at').catch(
    () => [],
  );

describe('daemon replicas sharing one PostgreSQL state', function () {
  this.timeout(90_000);
  let sim: Simulator;
  let dir: string;
  let db: TestDatabase;

  beforeEach(async () => {
    sim = await startSimulator({});
    dir = await tempDir();
    db = await createTestDatabase();
    await writeEnvironments(dir, linkedFlags(30));
  });
  afterEach(async () => {
    await sim.close();
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  });

  async function replica(port: number) {
    // A config file of its own per replica (as each pod mounts its own copy of the ConfigMap).
    const own = await mkdtemp(path.join(dir, 'replica-'));
    const config = await writeSyncConfig(own, sim, [flagdProvider('files', dir)], {
      schedule: EVERY_2S,
      state: { store: 'postgres', url: db.url },
      metrics: { port, host: '127.0.0.1', readyPeriods: 3 },
    });
    return startCli(['run', '--config', config]);
  }

  it('exactly one replica syncs per tick, both are ready, and the survivor takes over when one dies', async () => {
    const ports = [await freePort(), await freePort()];
    const a = await replica(ports[0]!);
    const b = await replica(ports[1]!);
    try {
      // Let a handful of ticks pass with both replicas up.
      await waitFor(() => (a.child.pid ?? 0) > 0 && (b.child.pid ?? 0) > 0, 10_000, 'both replicas');
      const ticksSeen = async (n: number): Promise<boolean> => (await runsOf(db)).length >= n;
      const deadline = Date.now() + 45_000;
      while (!(await ticksSeen(5))) {
        if (Date.now() > deadline) throw new Error('fewer than 5 runs in 45 s');
        await new Promise((r) => setTimeout(r, 200));
      }
      const runs = await runsOf(db);
      const slots = runs.map((r) => Math.floor(r.started_at.getTime() / 2000));
      assert.equal(new Set(slots).size, slots.length, `one run per 2 s slot: ${runs.map((r) => r.started_at.toISOString()).join(', ')}`);
      assert.ok(runs.every((r) => r.outcome === 'ok' || r.outcome === 'running'));
      const counts = new Map<string, number>();
      for (const r of sim.requests.filter((q) => q.method === 'POST' && q.path.endsWith('/bulk')))
        for (const f of (r.body as { flags: Array<{ id: string }> }).flags) counts.set(f.id, (counts.get(f.id) ?? 0) + 1);
      assert.equal(counts.size, 30);
      assert.ok(
        [...counts.values()].every((n) => n === 1),
        'each flag submitted once',
      );
      // Both replicas are ready, whichever of them ran last: readiness is read from the shared run log.
      for (const port of ports) {
        const ready = await axios.get<string>(`http://127.0.0.1:${port}/readyz`, { validateStatus: () => true });
        assert.equal(ready.status, 200, ready.data);
      }
      // One replica dies without a word; the other keeps syncing at its next ticks.
      const survivor = runs.at(-1)!.replica.endsWith(`:${a.child.pid}`) ? b : a;
      const victim = survivor === a ? b : a;
      victim.child.kill('SIGKILL');
      const victimLog = (await victim.done).stderr;
      const before = (await runsOf(db)).length;
      const until = Date.now() + 20_000;
      while ((await runsOf(db)).filter((r, i) => i >= before && r.replica.endsWith(`:${survivor.child.pid}`)).length < 2) {
        if (Date.now() > until) throw new Error('the surviving replica did not take over');
        await new Promise((r) => setTimeout(r, 200));
      }
      survivor.child.kill('SIGTERM');
      const result = await survivor.done;
      assert.equal(result.code, 0, result.stderr);
      assert.match(
        victimLog + result.stderr,
        /tick skipped: (this schedule slot .* was already synced by|another run holds the writer lock)/,
      );
    } finally {
      a.child.kill('SIGKILL');
      b.child.kill('SIGKILL');
    }
  });
});
