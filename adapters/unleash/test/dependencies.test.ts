import { strict as assert } from 'node:assert';
import type { NormalizedFlag } from '../../../src/kit';
import { adapterFrom, adminEntry, clientEntry, snapshotOf } from './adapter-under-test';
import { startUnleash, type UnleashServer } from './harness';
import { UnleashSeeder } from './seed';

/**
 * Dependent flags on a real Unleash 7.5 server: the SDK serves a child only when its parents are satisfied, so the
 * child's rollout must say so instead of a bare percentage.
 */
describe('Unleash adapter: flags that depend on parent flags', function () {
  let server: UnleashServer;

  before(async function () {
    this.timeout(180_000);
    server = await startUnleash();
    const seed = new UnleashSeeder(server);
    for (const name of ['checkout-v2', 'legacy-ui', 'checkout-upsell', 'new-ui-hints']) await seed.createFlag(name);
    await seed.setEnabled('checkout-v2', 'production', true);
    await seed.addStrategy('checkout-upsell', 'production', {
      name: 'flexibleRollout',
      parameters: { rollout: '40', stickiness: 'default', groupId: 'checkout-upsell' },
    });
    await seed.setEnabled('checkout-upsell', 'production', true);
    await seed.call('POST', 'admin/projects/default/features/checkout-upsell/dependencies', { feature: 'checkout-v2' });
    await seed.setEnabled('new-ui-hints', 'production', true);
    await seed.call('POST', 'admin/projects/default/features/new-ui-hints/dependencies', { feature: 'legacy-ui', enabled: false });
  });

  after(async function () {
    this.timeout(30_000);
    await server?.stop();
  });

  const production = (flags: readonly NormalizedFlag[], key: string) =>
    flags.find((f) => f.key === key)!.environments.find((e) => e.name === 'production')!;

  for (const [mode, entry] of [
    ['Admin API mode', adminEntry],
    ['client-token mode', clientEntry],
  ] as const) {
    describe(mode, function () {
      let flags: readonly NormalizedFlag[];
      before(async function () {
        this.timeout(30_000);
        flags = (await snapshotOf(adapterFrom(entry(server)))).flags;
      });

      it('describes a child of an enabled parent as "requires <parent>" with its strategy', function () {
        assert.deepEqual(production(flags, 'checkout-upsell').rollout, { rules: 1, text: 'requires checkout-v2; 40% of users (default)' });
      });

      it('describes a child that requires its parent off (Unleash 7 adds a 100% rollout when an environment is switched on)', function () {
        assert.deepEqual(production(flags, 'new-ui-hints').rollout, { rules: 1, text: 'requires legacy-ui off; 100% of users (default)' });
      });

      it('keeps the bare percentage of a flag without parents', function () {
        assert.deepEqual(production(flags, 'checkout-v2').rollout, { percentage: 100 });
      });
    });
  }
});
