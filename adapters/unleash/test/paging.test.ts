import { strict as assert } from 'node:assert';
import type { NormalizedFlag } from '../../../src/kit';
import { mapWithConcurrency } from '../concurrency';
import { adapterFrom, adminEntry, clientEntry, snapshotOf } from './adapter-under-test';
import { startUnleash, type UnleashServer } from './harness';
import { UnleashSeeder } from './seed';

/** 500 flags, created through the Admin API in parallel batches, read back completely in both modes. */
describe('Unleash adapter with 500 flags', function () {
  const COUNT = 500;
  const names = Array.from({ length: COUNT }, (_, i) => `bulk-${String(i).padStart(3, '0')}`);
  /** Every fifth flag gets a rollout of its own in production, so pages carry distinguishable content. */
  const rolloutOf = (i: number) => (i % 5 === 0 ? (i * 7) % 101 : undefined);
  let server: UnleashServer;

  before(async function () {
    this.timeout(180_000);
    server = await startUnleash();
    const seed = new UnleashSeeder(server);
    await mapWithConcurrency(names, 20, async (name) => {
      await seed.createFlag(name);
      const pct = rolloutOf(Number(name.slice(5)));
      if (pct !== undefined) {
        await seed.addStrategy(name, 'production', {
          name: 'flexibleRollout',
          parameters: { rollout: String(pct), stickiness: 'default', groupId: name },
        });
        await seed.setEnabled(name, 'production', true);
      }
    });
  });

  after(async function () {
    this.timeout(30_000);
    await server?.stop();
  });

  function assertComplete(flags: readonly NormalizedFlag[]): void {
    assert.equal(flags.length, COUNT);
    assert.deepEqual(flags.map((f) => f.key).sort(), names);
    for (const flag of flags) {
      const pct = rolloutOf(Number(flag.key.slice(5)));
      const production = flag.environments.find((e) => e.name === 'production')!;
      if (pct === undefined) assert.equal(production.enabled, false, flag.key);
      else assert.deepEqual([production.enabled, production.rollout], [true, { percentage: pct }], flag.key);
    }
  }

  it('reads every flag once through pages of 100 (Admin API)', async function () {
    this.timeout(30_000);
    assertComplete((await snapshotOf(adapterFrom(adminEntry(server)))).flags);
  });

  it('reads every flag once through pages of 33, which do not divide 500 (Admin API)', async function () {
    this.timeout(30_000);
    assertComplete((await snapshotOf(adapterFrom(adminEntry(server, { pageSize: 33 })))).flags);
  });

  it('reads every flag through client tokens', async function () {
    this.timeout(30_000);
    assertComplete((await snapshotOf(adapterFrom(clientEntry(server)))).flags);
  });
});
