import { strict as assert } from 'node:assert';
import type { NormalizedFlag } from '../../../src/kit';
import { normalizeUnleashFeature, unmetParents } from '../map';
import type { UnleashDependencyView, UnleashFeatureView } from '../model';
import type { AdminFeature, SearchFeature } from '../codecs';
import { adminFeatureView, clientFeatureViews } from '../views';
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
    for (const name of ['checkout-v2', 'legacy-ui', 'checkout-upsell', 'new-ui-hints', 'legacy-tooltips', 'classic-footer'])
      await seed.createFlag(name);
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
    // On in production, but it requires checkout-v2 off, and checkout-v2 is on for everyone there: nobody gets it.
    await seed.setEnabled('classic-footer', 'production', true);
    await seed.call('POST', 'admin/projects/default/features/classic-footer/dependencies', { feature: 'checkout-v2', enabled: false });
  });

  after(async function () {
    this.timeout(30_000);
    await server?.stop();
  });

  it("Admin API: each environment's Unleash type gives the Jira type where the config names none", async function () {
    const untyped = { environments: [{ name: 'production' }, { name: 'development' }] };
    const admin = (await snapshotOf(adapterFrom(adminEntry(server, untyped)))).flags.find((f) => f.key === 'checkout-v2')!;
    assert.deepEqual(
      admin.environments.map((e) => [e.name, e.type]),
      [
        ['production', 'production'],
        ['development', 'development'],
      ],
    );
  });

  it('a url without /api (the web UI, which answers HTML) fails the read saying so', async function () {
    await assert.rejects(
      snapshotOf(adapterFrom(adminEntry(server, { url: `http://127.0.0.1:${server.port}` }))),
      /answered 200 with a body that is not JSON \(is url the API root, ending in \/api, e\.g\. https:\/\/unleash\.example\.com\/api\?\)/,
    );
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

      it('shows a child that requires off a parent on for everyone as off: nobody gets it', function () {
        const footer = production(flags, 'classic-footer');
        assert.deepEqual([footer.enabled, footer.rollout], [false, undefined]);
      });

      it('keeps the bare percentage of a flag without parents', function () {
        assert.deepEqual(production(flags, 'checkout-v2').rollout, { percentage: 100 });
      });
    });
  }
});

describe("Unleash Admin API: a release plan's strategies, left out of the feature document", () => {
  const row = (environment: Partial<NonNullable<SearchFeature['environments']>[number]>): SearchFeature => ({
    name: 'checkout',
    project: 'default',
    environments: [{ name: 'production', enabled: true, ...environment }],
  });
  const document = (strategies: object[]): AdminFeature =>
    ({ name: 'checkout', project: 'default', environments: [{ name: 'production', enabled: true, strategies }] }) as AdminFeature;
  const production = (view: UnleashFeatureView) => normalizeUnleashFeature(view, { provider: 'un' }).environments[0]!;

  it('a milestone the search row names is shown by name, never as on for everyone', () => {
    const view = adminFeatureView(row({ hasEnabledStrategies: true, milestoneName: 'Canary 5%' }), document([]), ['production'], new Map());
    assert.deepEqual(production(view).rollout, { rules: 1, text: 'release plan milestone Canary 5%' });
  });

  it('active strategies the row counts but the document does not list are not taken for none', () => {
    const view = adminFeatureView(row({ hasEnabledStrategies: true }), document([]), ['production'], new Map());
    assert.deepEqual(production(view).rollout, { rules: 1, text: 'strategies of a release plan' });
  });

  it('a row without strategies and a document without any: on for everyone, as before', () => {
    const view = adminFeatureView(row({ hasEnabledStrategies: false }), document([]), ['production'], new Map());
    assert.deepEqual(production(view).rollout, { percentage: 100 });
  });

  it('a parent on a release plan is neither never on nor always on: its children keep their rollout', () => {
    const parent = adminFeatureView(
      { ...row({ hasEnabledStrategies: true, milestoneName: 'Beta' }), name: 'parent' },
      { ...document([{ name: 'flexibleRollout', parameters: { rollout: '0' } }]), name: 'parent' },
      ['production'],
      new Map(),
    );
    const unmet = unmetParents([parent], new Set());
    assert.equal(unmet('production', [{ feature: 'parent', enabled: true, variants: [] }]), undefined);
    assert.equal(unmet('production', [{ feature: 'parent', enabled: false, variants: [] }]), undefined);
  });
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
    assert.equal(unmet('staging', [off('parent')]), 'parent', 'required off, on without strategies: on for everyone');
    assert.equal(unmet('production', [on('gone')]), 'gone');
    assert.equal(unmet('production', [off('gone')]), 'gone');
    assert.equal(unmet('production', [on('middle')]), 'middle', 'Unleash evaluates one level of parents only');
    assert.equal(unmet('production', [on('unreadable')]), undefined);
  });

  describe('a parent on whose only strategies serve nobody (0%) is never on: a child requiring it on is off', () => {
    const flexible = (rollout: string | number) => ({
      name: 'flexibleRollout',
      parameters: { rollout, stickiness: 'default', groupId: 'p' },
    });
    const legacy = (name: string, percentage: string) => ({ name, parameters: { percentage, groupId: 'p' } });
    type Dependency = { feature: string; enabled?: boolean; variants?: string[] };
    const child = (dependencies: Dependency[]) => ({
      name: 'child',
      enabled: true,
      strategies: [{ name: 'default', parameters: {} }],
      dependencies,
    });
    // The same features as both readers see them: the Admin API's feature documents, and the client API (the SDK's).
    const admin = (features: { name: string; enabled: boolean; strategies: object[]; dependencies?: object[] }[]) =>
      features.map((f) =>
        adminFeatureView(
          { name: f.name, project: 'default' },
          {
            name: f.name,
            project: 'default',
            environments: [{ name: 'production', enabled: f.enabled, strategies: f.strategies as never }],
            ...(f.dependencies ? { dependencies: f.dependencies as never } : {}),
          },
          ['production'],
          new Map(),
        ),
      );
    const client = (features: { name: string; enabled: boolean; strategies: object[]; dependencies?: object[] }[]) =>
      clientFeatureViews([{ environment: 'production', features: features as never, skipped: [] }]).views;
    const childDetail = (views: readonly UnleashFeatureView[]) =>
      normalizeUnleashFeature(
        views.find((v) => v.name === 'child')!,
        { provider: 'un', unmetParent: unmetParents(views, new Set()) },
      ).environments[0]!;

    for (const [mode, viewsOf] of [
      ['Admin API mode', admin],
      ['client-token mode', client],
    ] as const) {
      it(mode, () => {
        const withParent = (strategies: object[], dependencies: Dependency[] = [{ feature: 'parent' }]) =>
          childDetail(viewsOf([child(dependencies), { name: 'parent', enabled: true, strategies }]));
        assert.deepEqual(withParent([flexible('0')]), { name: 'production', enabled: false, defaultValue: 'false' });
        assert.equal(withParent([flexible(0)]).enabled, false, 'older data holds numbers');
        assert.equal(withParent([flexible('0'), legacy('gradualRolloutUserId', '0'), legacy('gradualRolloutRandom', '0')]).enabled, false);
        assert.equal(
          withParent([{ ...flexible('0'), constraints: [{ contextName: 'region', operator: 'IN', values: ['eu'] }] }]).enabled,
          false,
        );
        assert.equal(withParent([flexible('0')], [{ feature: 'parent', variants: ['blue'] }]).enabled, false);
        // Any share above 0, another strategy beside it, no strategy at all, a custom strategy: may be on for someone.
        assert.deepEqual(withParent([flexible('1')]).rollout, { rules: 1, text: 'requires parent; everyone' });
        assert.equal(withParent([flexible('0'), { name: 'default', parameters: {} }]).enabled, true);
        assert.equal(withParent([]).enabled, true);
        assert.equal(withParent([{ name: 'myCustom', parameters: { rollout: '0' } }]).enabled, true);
        assert.equal(
          withParent([{ ...flexible('100'), disabled: true }, flexible('0')]).enabled,
          false,
          'switched-off strategies do not count',
        );
        // Required off: a parent on for nobody is off for everyone, so the child may be on.
        assert.equal(withParent([flexible('0')], [{ feature: 'parent', enabled: false }]).enabled, true);
        // Required off, a parent on for everyone (no strategy, `default`, or 100% of every context): nobody.
        const requiredOff = [{ feature: 'parent', enabled: false }];
        assert.deepEqual(withParent([], requiredOff), { name: 'production', enabled: false, defaultValue: 'false' });
        assert.equal(withParent([{ name: 'default', parameters: {} }, flexible('5')], requiredOff).enabled, false);
        assert.equal(withParent([flexible('100')], requiredOff).enabled, false);
        assert.equal(
          withParent([{ ...flexible('100'), parameters: { rollout: '100', stickiness: 'random' } }], requiredOff).enabled,
          false,
        );
        // A 100% share sticky on userId is off for a context without one, and a constrained one for the others.
        assert.equal(withParent([{ ...flexible('100'), parameters: { rollout: '100', stickiness: 'userId' } }], requiredOff).enabled, true);
        assert.equal(withParent([legacy('gradualRolloutUserId', '100')], requiredOff).enabled, true);
        assert.equal(
          withParent([{ ...flexible('100'), constraints: [{ contextName: 'region', operator: 'IN', values: ['eu'] }] }], requiredOff)
            .enabled,
          true,
        );
      });
    }
  });
});
