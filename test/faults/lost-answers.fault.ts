import { strict as assert } from 'node:assert';
import { startCli } from '../helpers/cli';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres';
import { changed, expectConverged, faultFlags, runFlagsync, setFlags, startWorld, stopWorld, type World } from './harness';

type Store = 'file' | 'postgres';

/** Waits until the proxy has passed on a request of the given action (a late delivery happens after its release). */
async function waitForRequest(world: World, action: string): Promise<void> {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20)))
    if (world.proxy.requests.some((r) => r.action === action)) return;
  throw new Error(`no ${action} request reached Jira`);
}

/**
 * Jira acted, flagsync did not learn it: the answer was lost, unreadable or incomplete, or flagsync was killed
 * before it arrived. Each scenario then moves the source back to what flagsync last recorded, the case where a
 * stale record would make the plan say "unchanged" while Jira keeps the newer, wrong content for good. The kills
 * run with each state store: write-ahead marks are a journal line in the file store and committed rows in
 * PostgreSQL, made durable before a request leaves.
 */
for (const store of ['file', 'postgres'] as const satisfies readonly Store[]) {
  describe(`faults: Jira acted but flagsync did not hear it (state: ${store})`, function () {
    this.timeout(180_000);
    let world: World;
    let db: TestDatabase | undefined;
    afterEach(async () => {
      await stopWorld(world);
      await db?.drop();
      db = undefined;
    });

    async function start(flags: ReturnType<typeof faultFlags>): Promise<World> {
      if (store === 'file') return startWorld(flags);
      db = await createTestDatabase('flagsync_faults');
      return startWorld(flags, { state: { store: 'postgres', url: db.url } });
    }

    async function updateUnderFault(action: 'lose-answer' | 'garble-answer' | 'empty-answer' | 'kill', flags: number): Promise<void> {
      const original = faultFlags(flags);
      world = await start(original);
      assert.equal((await runFlagsync(world)).code, 0);
      await setFlags(world, changed(original));
      world.proxy.add({ method: 'POST', path: '/bulk', action, ...(action === 'kill' ? { skip: 1, times: 1 } : {}) });
      const faulted = await runFlagsync(world);
      if (action === 'kill') assert.equal(faulted.signal, 'SIGKILL');
      else assert.equal(faulted.code, 1, faulted.stderr);
      assert.ok(
        world.proxy.requests.some((r) => r.action === action && r.status === 202),
        'Jira stored the faulted batch',
      );
      world.proxy.clear();
      await setFlags(world, original);
      const clean = await runFlagsync(world);
      assert.equal(clean.code, 0, clean.stdout + clean.stderr);
      await expectConverged(world);
    }

    /** 40 flags, some removed from the source, the delete phase faulted; then the source as `after` says. */
    async function deleteUnderFault(action: 'lose-answer' | 'kill', kept: number, after: 'all back' | 'as removed'): Promise<void> {
      const all = faultFlags(40);
      world = await start(all);
      assert.equal((await runFlagsync(world)).code, 0);
      await setFlags(world, all.slice(0, kept));
      world.proxy.add({ method: 'DELETE', action, ...(action === 'kill' ? { skip: 6, times: 1 } : {}) });
      const faulted = await runFlagsync(world);
      if (action === 'kill') assert.equal(faulted.signal, 'SIGKILL');
      else assert.equal(faulted.code, 1, faulted.stderr);
      assert.ok(world.sim.stored('featureflags').length < 40, 'Jira carried deletes out before the fault');
      world.proxy.clear();
      if (after === 'all back') await setFlags(world, all);
      const clean = await runFlagsync(world);
      assert.equal(clean.code, 0, clean.stdout + clean.stderr);
      await expectConverged(world);
    }

    it('SIGKILL after Jira stored the second batch, before its answer (and before any save), source reverts', async () => {
      await updateUnderFault('kill', 400);
    });

    it('SIGKILL in the delete phase, the deleted flags come back unchanged', async () => {
      await deleteUnderFault('kill', 25, 'all back');
    });

    it('SIGKILL in the delete phase, the deletes still wanted: the next run finishes them and deletes nothing else', async () => {
      await deleteUnderFault('kill', 25, 'as removed');
    });

    it('SIGKILL with an update still on its way, delivered after the next run deleted the flag: a later run deletes it again', async () => {
      const original = faultFlags(20);
      world = await start(original);
      assert.equal((await runFlagsync(world)).code, 0);
      await setFlags(world, changed(original));
      let release = (): void => undefined;
      world.proxy.add({
        method: 'POST',
        path: '/bulk',
        action: 'kill-deliver-later',
        times: 1,
        release: new Promise<void>((resolve) => (release = resolve)),
      });
      assert.equal((await runFlagsync(world)).signal, 'SIGKILL');
      // The flags leave the source; the next run deletes them in Jira.
      await setFlags(world, original.slice(0, 10));
      world.proxy.clear();
      assert.equal((await runFlagsync(world)).code, 0);
      assert.equal(world.sim.stored('featureflags').length, 10);
      // Only now does the killed run's update reach Jira: the deleted flags are back there.
      release();
      await waitForRequest(world, 'kill-deliver-later');
      assert.equal(world.sim.stored('featureflags').length, 20);
      // Their send never got an answer, a moment ago: the next run deletes them again.
      const clean = await runFlagsync(world);
      assert.equal(clean.code, 0, clean.stdout + clean.stderr);
      await expectConverged(world);
    });

    // Lost and unreadable answers do not depend on the store: once is enough.
    if (store !== 'file') return;

    it('answer lost after Jira stored the update (every attempt), source reverts: the next run sends it again', async () => {
      await updateUnderFault('lose-answer', 150);
    });

    it('202 whose body cannot be read, source reverts: the next run sends it again', async () => {
      await updateUnderFault('garble-answer', 150);
    });

    it('202 that lists none of the flags, source reverts: the next run sends them again', async () => {
      await updateUnderFault('empty-answer', 150);
    });

    it('delete answers lost (every attempt), the flags come back unchanged: the next run sends them again', async () => {
      await deleteUnderFault('lose-answer', 30, 'all back');
    });

    for (const status of [403, 401, 400]) {
      it(`answer lost after Jira stored the update, the retry refused (${status}), source reverts: the next run sends it again`, async () => {
        const original = faultFlags(20);
        world = await start(original);
        assert.equal((await runFlagsync(world)).code, 0);
        await setFlags(world, changed(original));
        // maxAttempts is 2: the first attempt is stored and its answer lost, the second never reaches Jira.
        world.proxy.add({ method: 'POST', path: '/bulk', action: 'lose-answer', times: 1 });
        world.proxy.add({ method: 'POST', path: '/bulk', action: 'refuse', status, times: status === 401 ? 2 : 1 });
        const faulted = await runFlagsync(world);
        assert.equal(faulted.code, 1, faulted.stderr);
        assert.ok(
          world.proxy.requests.some((r) => r.action === 'refuse'),
          'the retry was refused',
        );
        world.proxy.clear();
        await setFlags(world, original);
        const clean = await runFlagsync(world);
        assert.equal(clean.code, 0, clean.stdout + clean.stderr);
        await expectConverged(world);
      });
    }

    it('purge whose delete answers are lost (Jira deleted): the next run sends every flag again', async () => {
      world = await start(faultFlags(30));
      assert.equal((await runFlagsync(world)).code, 0);
      world.proxy.add({ method: 'DELETE', path: '/featureflags/', action: 'lose-answer' });
      const { done } = startCli(['purge', '--provider', 'files', '--yes', '--config', world.config]);
      const purged = await done;
      world.outputs.push(purged.stdout, purged.stderr);
      assert.equal(purged.code, 1, purged.stdout + purged.stderr);
      assert.match(purged.stdout, /featureflags: FAILED, Jira may have deleted some or all of it/);
      assert.equal(world.sim.stored('featureflags').length, 0, 'Jira deleted them before the answer was lost');
      world.proxy.clear();
      const clean = await runFlagsync(world);
      assert.equal(clean.code, 0, clean.stdout + clean.stderr);
      await expectConverged(world);
    });
  });
}
