import { strict as assert } from 'node:assert';
import { expectConverged, faultFlags, runFlagsync, setFlags, startWorld, stopWorld, type World } from './harness';

/** Endpoints that keep failing: the run stops early with one reason instead of hammering them, and loses nothing. */
describe('faults: dead endpoints', function () {
  this.timeout(180_000);
  let world: World;
  afterEach(async () => stopWorld(world));

  it('token endpoint answering 503: the run stops after one request gave up, then converges', async () => {
    world = await startWorld(faultFlags(1000));
    world.sim.injectFault({ type: 'status', status: 503, path: '/oauth/token', times: 1000 });
    const dead = await runFlagsync(world);
    assert.equal(dead.code, 1);
    assert.match(dead.stdout, /^run stopped early: the token endpoint cannot issue a token/m);
    assert.ok(world.proxy.count('POST', '/oauth/token') <= 4, `${world.proxy.count('POST', '/oauth/token')} token requests`);
    world.sim.clearFaults();
    assert.equal((await runFlagsync(world)).code, 0);
    await expectConverged(world);
  });

  it('bulk answering 503: the run stops after jira.maxConsecutiveFailures give-ups, then converges', async () => {
    world = await startWorld(faultFlags(1000));
    world.sim.injectFault({ type: 'status', status: 503, path: '/bulk', times: 1000 });
    const dead = await runFlagsync(world);
    assert.equal(dead.code, 1);
    assert.match(dead.stdout, /^run stopped early: Jira failed 3 requests in a row/m);
    assert.ok(world.proxy.count('POST', '/bulk') <= 2 * 4, `${world.proxy.count('POST', '/bulk')} bulk requests`);
    world.sim.clearFaults();
    assert.equal((await runFlagsync(world)).code, 0);
    await expectConverged(world);
  });

  it('DELETE answering 503: deletes stop after the give-ups; the next run finishes them and deletes nothing else', async () => {
    const all = faultFlags(200);
    world = await startWorld(all);
    assert.equal((await runFlagsync(world)).code, 0);
    await setFlags(world, all.slice(0, 120));
    world.sim.injectFault({ type: 'status', status: 503, method: 'DELETE', times: 1000 });
    const dead = await runFlagsync(world, ['--allow-mass-delete']);
    assert.equal(dead.code, 1);
    assert.ok(world.proxy.count('DELETE', '/flag/') <= 2 * 4, `${world.proxy.count('DELETE', '/flag/')} DELETE requests for 80 deletes`);
    world.sim.clearFaults();
    assert.equal((await runFlagsync(world, ['--allow-mass-delete'])).code, 0);
    await expectConverged(world);
  });
});
