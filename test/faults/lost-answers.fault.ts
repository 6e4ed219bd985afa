import { strict as assert } from 'node:assert';
import { changed, expectConverged, faultFlags, runFlagsync, setFlags, startWorld, stopWorld, type World } from './harness';

/**
 * Jira acted, flagsync did not learn it: the answer was lost, unreadable or incomplete, or flagsync was killed
 * before it arrived. Each scenario then moves the source back to what flagsync last recorded, the case where a
 * stale record would make the plan say "unchanged" while Jira keeps the newer, wrong content for good.
 */
describe('faults: Jira acted but flagsync did not hear it', function () {
  this.timeout(180_000);
  let world: World;
  afterEach(async () => stopWorld(world));

  async function updateUnderFault(action: 'lose-answer' | 'garble-answer' | 'empty-answer' | 'kill', flags: number): Promise<void> {
    const original = faultFlags(flags);
    world = await startWorld(original);
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

  it('answer lost after Jira stored the update (every attempt), source reverts: the next run sends it again', async () => {
    await updateUnderFault('lose-answer', 150);
  });

  it('202 whose body cannot be read, source reverts: the next run sends it again', async () => {
    await updateUnderFault('garble-answer', 150);
  });

  it('202 that lists none of the flags, source reverts: the next run sends them again', async () => {
    await updateUnderFault('empty-answer', 150);
  });

  it('SIGKILL after Jira stored the second batch, before its answer (and before any save), source reverts', async () => {
    await updateUnderFault('kill', 400);
  });

  it('delete answers lost (every attempt), the flags come back unchanged: the next run sends them again', async () => {
    const all = faultFlags(40);
    world = await startWorld(all);
    assert.equal((await runFlagsync(world)).code, 0);
    await setFlags(world, all.slice(0, 30));
    world.proxy.add({ method: 'DELETE', action: 'lose-answer' });
    assert.equal((await runFlagsync(world)).code, 1);
    assert.ok(world.sim.stored('featureflags').length < 40, 'Jira carried deletes out');
    world.proxy.clear();
    await setFlags(world, all);
    assert.equal((await runFlagsync(world)).code, 0);
    await expectConverged(world);
  });

  it('SIGKILL in the delete phase, the deleted flags come back unchanged', async () => {
    const all = faultFlags(40);
    world = await startWorld(all);
    assert.equal((await runFlagsync(world)).code, 0);
    await setFlags(world, all.slice(0, 25));
    world.proxy.add({ method: 'DELETE', action: 'kill', skip: 6, times: 1 });
    assert.equal((await runFlagsync(world)).signal, 'SIGKILL');
    assert.ok(world.sim.stored('featureflags').length < 40, 'some deletes were carried out before the kill');
    world.proxy.clear();
    await setFlags(world, all);
    assert.equal((await runFlagsync(world)).code, 0);
    await expectConverged(world);
  });

  it('SIGKILL in the delete phase, the deletes still wanted: the next run finishes them and deletes nothing else', async () => {
    const all = faultFlags(40);
    world = await startWorld(all);
    assert.equal((await runFlagsync(world)).code, 0);
    await setFlags(world, all.slice(0, 25));
    world.proxy.add({ method: 'DELETE', action: 'kill', skip: 6, times: 1 });
    assert.equal((await runFlagsync(world)).signal, 'SIGKILL');
    world.proxy.clear();
    assert.equal((await runFlagsync(world)).code, 0);
    await expectConverged(world);
  });
});
