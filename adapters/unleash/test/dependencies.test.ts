import { strict as assert } from 'node:assert';
import type { NormalizedFlag } from '../../../src/kit';
import { unmetParents } from '../map';
import type { UnleashDependencyView, UnleashFeatureView } from '../model';
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
    for (const name of ['checkout-v2', 'legacy-ui', 'checkout-upsell', 'new-ui-hints', 'legacy-tooltips']) await seed.createFlag(name);
    await seed.setEnabled('checkout-v2', 'production', true);
    await seed.addStrategy('checkout-upsell', 'production', {
      name: 'flexibleRollout',
      parameters: { rollout: '40', stickiness: 'default', groupId: 'checkout-upsell' },
    });
    await seed.setEnabled('checkout-upsell', 'production', true);
    await seed.call('POST', 'admin/projects/default/features/checkout-upsell/dependencies', { feature: 'checkout-v2' });
    await seed.setEnabled('new-ui-hints', 'production', true);
    await seed.call('POST', 'admin/projects/default/features/new-ui-hints/dependencies', { feature: 'legacy-ui', enabled: false });
    // On in production, but its parent legacy-ui is off there: the SDK answers false for everyone.
    await seed.setEnabled('legacy-tooltips', 'production', true);
    await seed.call('POST', 'admin/projects/default/features/legacy-tooltips/dependencies', { feature: 'legacy-ui' });
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

      it('shows a child whose parent is off in that environment as off: nobody gets it', function () {
        const tooltips = production(flags, 'legacy-tooltips');
        assert.equal(tooltips.enabled, false);
        assert.equal(tooltips.rollout, undefined);
      });

      it('keeps the bare percentage of a flag without parents', function () {
        assert.deepEqual(production(flags, 'checkout-v2').rollout, { percentage: 100 });
      });
    });
  }
});

describe('Unleash mapping: parents that keep a child off', () => {
  const env = (name: string, enabled: boolean, dependencies?: UnleashDependencyView[]) => ({
    name,
    enabled,
    strategies: [],
    ...(dependencies === undefined ? {} : { dependencies }),
  });
  const view = (name: string, ...environments: ReturnType<typeof env>[]): UnleashFeatureView => ({ name, tags: [], environments });
  const on = (feature: string): UnleashDependencyView => ({ feature, enabled: true, variants: [] });
  const off = (feature: string): UnleashDependencyView => ({ feature, enabled: false, variants: [] });

  it('an absent parent, a parent with parents of its own, or a parent off where it is required on', () => {
    const unmet = unmetParents(
      [view('parent', env('production', false), env('staging', true)), view('middle', env('production', true, [on('parent')]))],
      new Set(['unreadable']),
    );
    assert.equal(unmet('production', [on('parent')]), 'parent');
    assert.equal(unmet('staging', [on('parent')]), undefined, 'on may be on for a user');
    assert.equal(unmet('production', [off('parent')]), undefined, 'required off, and off');
    assert.equal(unmet('staging', [off('parent')]), undefined, 'required off, on: may be off for a user');
    assert.equal(unmet('production', [on('gone')]), 'gone');
    assert.equal(unmet('production', [off('gone')]), 'gone');
    assert.equal(unmet('production', [on('middle')]), 'middle', 'Unleash evaluates one level of parents only');
    assert.equal(unmet('production', [on('unreadable')]), undefined);
  });
});
