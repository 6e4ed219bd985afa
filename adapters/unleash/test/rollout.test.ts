import { strict as assert } from 'node:assert';
import type { UnleashEnvironmentView, UnleashStrategyView } from '../model';
import { rolloutOf } from '../rollout';

const strategy = (name: string, extra: Partial<UnleashStrategyView> = {}): UnleashStrategyView => ({
  name,
  parameters: {},
  constraints: 0,
  segments: [],
  variants: [],
  ...extra,
});
const enabled = (...strategies: UnleashStrategyView[]): UnleashEnvironmentView => ({ name: 'production', enabled: true, strategies });

describe('Unleash rollout mapping', function () {
  const cases: Array<[string, UnleashEnvironmentView, ReturnType<typeof rolloutOf>]> = [
    ['disabled environment → no rollout', { name: 'production', enabled: false, strategies: [strategy('default')] }, undefined],
    ['enabled without strategies → 100%', enabled(), { percentage: 100 }],
    ['default strategy → 100%', enabled(strategy('default')), { percentage: 100 }],
    [
      'lone flexibleRollout → its percentage',
      enabled(strategy('flexibleRollout', { parameters: { rollout: '30', stickiness: 'userId' } })),
      { percentage: 30 },
    ],
    [
      'lone flexibleRollout with variants → still its percentage',
      enabled(strategy('flexibleRollout', { parameters: { rollout: '5' }, variants: ['a', 'b'] })),
      { percentage: 5 },
    ],
    [
      'legacy gradualRolloutUserId → its percentage',
      enabled(strategy('gradualRolloutUserId', { parameters: { percentage: '15' } })),
      { percentage: 15 },
    ],
    [
      'flexibleRollout with constraints and a segment → 1 rule and text',
      enabled(
        strategy('flexibleRollout', { parameters: { rollout: '30', stickiness: 'userId' }, constraints: 2, segments: ['beta-testers'] }),
      ),
      { rules: 1, text: '30% of users (userId); 2 constraints; segment beta-testers' },
    ],
    [
      'default with one constraint → 1 rule',
      enabled(strategy('default', { constraints: 1 })),
      { rules: 1, text: 'everyone; 1 constraint' },
    ],
    [
      'userWithId → targeted users',
      enabled(strategy('userWithId', { parameters: { userIds: 'a, b,c' } })),
      { rules: 1, text: '3 targeted users' },
    ],
    [
      'remoteAddress → IP addresses',
      enabled(strategy('remoteAddress', { parameters: { IPs: '10.0.0.1' } })),
      { rules: 1, text: '1 IP address' },
    ],
    [
      'applicationHostname → hostnames',
      enabled(strategy('applicationHostname', { parameters: { hostNames: 'a,b' } })),
      { rules: 1, text: '2 hostnames' },
    ],
    [
      'custom strategy with a title',
      enabled(strategy('region', { title: 'EU only' })),
      { rules: 1, text: 'EU only: custom strategy region' },
    ],
    [
      'several strategies → their count and each one described',
      enabled(strategy('flexibleRollout', { parameters: { rollout: '10' } }), strategy('userWithId', { parameters: { userIds: 'x' } })),
      { rules: 2, text: '2 strategies: 10% of users (default) | 1 targeted user' },
    ],
    [
      'several strategies, one of them 100% unconstrained → 100%: strategies are OR-ed',
      enabled(strategy('flexibleRollout', { parameters: { rollout: '100' } }), strategy('userWithId', { parameters: { userIds: 'a,b' } })),
      { percentage: 100 },
    ],
    [
      'several strategies, default among constrained ones → 100%',
      enabled(strategy('default'), strategy('flexibleRollout', { parameters: { rollout: '20' }, constraints: 1 })),
      { percentage: 100 },
    ],
    [
      'several strategies, all 0% → 0%',
      enabled(
        strategy('flexibleRollout', { parameters: { rollout: '0' } }),
        strategy('gradualRolloutRandom', { parameters: { percentage: '0' } }),
      ),
      { percentage: 0 },
    ],
    [
      'a 100% share with constraints beside a 10% one → the rules, not 100%',
      enabled(
        strategy('flexibleRollout', { parameters: { rollout: '100' }, constraints: 1 }),
        strategy('flexibleRollout', { parameters: { rollout: '10' } }),
      ),
      { rules: 2, text: '2 strategies: 100% of users (default); 1 constraint | 10% of users (default)' },
    ],
    [
      "a release plan's milestone (Admin API: its strategies are not in the document) → named, no percentage",
      { ...enabled(), unlistedStrategies: { milestone: 'Canary 5%' } },
      { rules: 1, text: 'release plan milestone Canary 5%' },
    ],
    [
      'active strategies the document does not list, and one it does → both, no percentage',
      { ...enabled(strategy('default')), unlistedStrategies: {} },
      { rules: 2, text: 'strategies of a release plan | everyone' },
    ],
    [
      'a child flag on a release plan → requires its parent, then the milestone, never "everyone"',
      {
        ...enabled(),
        dependencies: [{ feature: 'parent', enabled: true, variants: [] }],
        unlistedStrategies: { milestone: 'Beta 10%' },
      },
      { rules: 1, text: 'requires parent; release plan milestone Beta 10%' },
    ],
    ['out-of-range rollout is clamped', enabled(strategy('flexibleRollout', { parameters: { rollout: '140' } })), { percentage: 100 }],
    [
      'a parent flag → requires it, not a bare percentage',
      {
        ...enabled(strategy('flexibleRollout', { parameters: { rollout: '40' } })),
        dependencies: [{ feature: 'checkout-v2', enabled: true, variants: [] }],
      },
      { rules: 1, text: 'requires checkout-v2; 40% of users (default)' },
    ],
    [
      'a parent required off and one required on a variant, no strategy → everyone after them',
      {
        ...enabled(),
        dependencies: [
          { feature: 'old-ui', enabled: false, variants: [] },
          { feature: 'theme', enabled: true, variants: ['dark', 'dim'] },
        ],
      },
      { rules: 0, text: 'requires old-ui off, theme (variants dark, dim); everyone' },
    ],
    [
      'a parent flag with several strategies → requires it, then the strategies',
      {
        ...enabled(strategy('default'), strategy('userWithId', { parameters: { userIds: 'x' } })),
        dependencies: [{ feature: 'p', enabled: true, variants: [] }],
      },
      { rules: 2, text: 'requires p; 2 strategies: everyone | 1 targeted user' },
    ],
    [
      'a parent flag on a disabled environment → no rollout',
      { name: 'production', enabled: false, strategies: [], dependencies: [{ feature: 'p', enabled: true, variants: [] }] },
      undefined,
    ],
    ['an empty dependency list → the percentage as before', { ...enabled(strategy('default')), dependencies: [] }, { percentage: 100 }],
  ];
  for (const [title, env, expected] of cases) {
    it(title, function () {
      assert.deepEqual(rolloutOf(env), expected);
    });
  }

  it('cuts the text between whole characters: never half of an emoji', function () {
    const rollout = rolloutOf(enabled(strategy('region', { title: `${'x'.repeat(253)}🚀` })))!;
    assert.ok(rollout.text!.length <= 255);
    assert.ok(rollout.text!.endsWith('x…'), rollout.text!.slice(-4));
  });

  it('cuts the text at 255 characters', function () {
    const many = Array.from({ length: 30 }, (_, i) => strategy(`custom-strategy-number-${i}`));
    const rollout = rolloutOf(enabled(...many))!;
    assert.equal(rollout.rules, 30);
    assert.equal(rollout.text!.length, 255);
    assert.ok(rollout.text!.endsWith('…'));
  });
});
