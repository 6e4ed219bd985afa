import { strict as assert } from 'node:assert';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres';
import { changed, expectConverged, faultFlags, runFlagsync, setFlags, startWorld, stopWorld, type World } from './harness';

/**
 * The same kills with state in PostgreSQL (`state.store: postgres`): write-ahead marks are rows committed before a
 * request leaves, so a SIGKILL at any point leaves the next run knowing what may have reached Jira.
 */
describe('faults: SIGKILL with state in PostgreSQL', function () {
  this.timeout(180_000);
  let world: World;
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase('flagsync_faults');
  });
  afterEach(async () => {
    await stopWorld(world);
    await db.drop();
  });

  it('SIGKILL after Jira stored the second batch, before its answer, source reverts: the next run sends it again', async () => {
    const original = faultFlags(400);
    world = await startWorld(original, { state: { store: 'postgres', url: db.url } });
    assert.equal((await runFlagsync(world)).code, 0);
    await setFlags(world, changed(original));
    world.proxy.add({ method: 'POST', path: '/bulk', action: 'kill', skip: 1, times: 1 });
    assert.equal((await runFlagsync(world)).signal, 'SIGKILL');
    world.proxy.clear();
    await setFlags(world, original);
    const clean = await runFlagsync(world);
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
    await expectConverged(world);
  });

  it('SIGKILL in the delete phase, the deleted flags come back unchanged: the next run sends them again', async () => {
    const all = faultFlags(40);
    world = await startWorld(all, { state: { store: 'postgres', url: db.url } });
    assert.equal((await runFlagsync(world)).code, 0);
    await setFlags(world, all.slice(0, 25));
    world.proxy.add({ method: 'DELETE', action: 'kill', skip: 6, times: 1 });
    assert.equal((await runFlagsync(world)).signal, 'SIGKILL');
    assert.ok(world.sim.stored('featureflags').length < 40, 'some deletes were carried out before the kill');
    world.proxy.clear();
    await setFlags(world, all);
    const clean = await runFlagsync(world);
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
    await expectConverged(world);
  });
});
