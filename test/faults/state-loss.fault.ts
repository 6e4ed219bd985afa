import { strict as assert } from 'node:assert';
import { rm } from 'node:fs/promises';
import { startCli } from '../helpers/cli';
import { expectConverged, faultFlags, runFlagsync, setFlags, startWorld, stopWorld, type World } from './harness';

/**
 * The state was lost (a new volume, a deleted file) while flags left the source: flagsync no longer knows it put
 * them in Jira, so no run deletes them. `flagsync purge` deletes by the provider property, which Jira knows
 * whatever the state says; the next run sends the source again.
 */
describe('faults: recovery after state loss', function () {
  this.timeout(180_000);
  let world: World;
  afterEach(async () => stopWorld(world));

  it('flags removed while the state was missing stay in Jira until purge; purge and one run converge', async () => {
    const all = faultFlags(60);
    world = await startWorld(all);
    assert.equal((await runFlagsync(world)).code, 0);
    await rm(world.stateDir, { recursive: true, force: true });
    await setFlags(world, all.slice(0, 45));
    assert.equal((await runFlagsync(world)).code, 0);
    // The orphans the state loss left: 15 flags Jira holds and no source has.
    assert.equal(world.sim.stored('featureflags').length, 60);

    const purge = startCli(['purge', '--provider', 'files', '--yes', '--config', world.config]);
    world.proxy.target = purge.child;
    const purged = await purge.done;
    world.outputs.push(purged.stdout, purged.stderr);
    assert.equal(purged.code, 0, purged.stdout + purged.stderr);
    assert.equal(world.sim.stored('featureflags').length, 0, 'purge deleted every flag of the provider, orphans included');

    const clean = await runFlagsync(world);
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
    await expectConverged(world);
  });
});
