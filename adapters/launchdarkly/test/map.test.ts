import { strict as assert } from 'node:assert';
import type { LdFlag } from '../codecs';
import { normalizeLaunchDarklyFlags } from '../join';
import { environmentUrl, normalizeFlagEnvironment, onVariation, valueText, type MapSettings } from '../map';
import { describeRollout, onShare } from '../rollout';
import production from './fixtures/production.json';

const settings: MapSettings = { provider: 'ld', projectKey: 'default', uiBaseUrl: 'https://app.launchdarkly.com', onValues: {} };
const prod = { name: 'production', key: 'production' };

function bool(overrides: Partial<LdFlag>): LdFlag {
  return { key: 'f', version: 1, on: true, variations: [true, false], offVariation: 1, fallthrough: { variation: 0 }, ...overrides };
}

const rollout = (...weights: [number, number][]) => ({
  rollout: { variations: weights.map(([variation, weight]) => ({ variation, weight })) },
});

describe('LaunchDarkly mapping: one environment', () => {
  const cases: { name: string; flag: LdFlag; settings?: Partial<MapSettings>; expected: object }[] = [
    {
      name: 'off → disabled, default value is the off variation',
      flag: bool({ on: false }),
      expected: { enabled: false, defaultValue: 'false' },
    },
    {
      name: 'on with a 40/60 fallthrough rollout → percentage 40',
      flag: bool({ fallthrough: rollout([0, 40000], [1, 60000]) }),
      expected: { enabled: true, defaultValue: 'false', rollout: { percentage: 40 } },
    },
    {
      name: 'on serving true to everyone → 100%',
      flag: bool({ fallthrough: { variation: 0 } }),
      expected: { enabled: true, rollout: { percentage: 100 } },
    },
    {
      name: 'on serving false to everyone → 0%',
      flag: bool({ fallthrough: { variation: 1 } }),
      expected: { enabled: true, rollout: { percentage: 0 } },
    },
    {
      name: 'fractional weights keep their thousandths of a percent',
      flag: bool({ fallthrough: rollout([0, 12345], [1, 87655]) }),
      expected: { rollout: { percentage: 12.345 } },
    },
    {
      name: 'multivariate without configuration: everything but the off variation is "on"',
      flag: {
        key: 'm',
        version: 1,
        on: true,
        variations: ['control', 'a', 'b'],
        offVariation: 0,
        fallthrough: rollout([0, 50000], [1, 25000], [2, 25000]),
      },
      expected: { defaultValue: 'control', rollout: { percentage: 50 } },
    },
    {
      name: 'multivariate with configured on values',
      flag: {
        key: 'm',
        version: 1,
        on: true,
        variations: ['control', 'a', 'b'],
        offVariation: 0,
        fallthrough: rollout([0, 50000], [1, 25000], [2, 25000]),
      },
      settings: { onValues: { m: ['b'] } },
      expected: { rollout: { percentage: 25 } },
    },
    {
      name: 'JSON variation values become JSON text',
      flag: { key: 'j', version: 1, on: false, variations: [{ limit: 10 }, { limit: 50 }], offVariation: 0 },
      expected: { enabled: false, defaultValue: '{"limit":10}' },
    },
    {
      name: 'no off variation → no default value',
      flag: bool({ on: false, offVariation: null }),
      expected: { enabled: false, defaultValue: undefined },
    },
    {
      name: 'rules and targets → rule count and text',
      flag: bool({
        fallthrough: rollout([0, 40000], [1, 60000]),
        rules: [{ variation: 0, clauses: [{ attribute: 'email', op: 'endsWith', values: ['@x.com'] }] }],
        targets: [{ values: ['a', 'b'], variation: 0 }],
        contextTargets: [{ contextKind: 'organization', values: ['acme'], variation: 0 }],
      }),
      expected: { rollout: { rules: 1, text: '3 targeted contexts; 1 rule; default rule: 40% true' } },
    },
    {
      name: 'a boolean kill switch configured "on" when false: the text names false, the share of false',
      flag: bool({
        key: 'kill',
        offVariation: 0,
        fallthrough: rollout([0, 60000], [1, 40000]),
        targets: [{ values: ['u1'], variation: 0 }],
      }),
      settings: { onValues: { kill: [false] } },
      expected: { rollout: { rules: 0, text: '1 targeted context; default rule: 40% false' } },
    },
    {
      name: 'multivariate with one configured on value: the text names it',
      flag: {
        key: 'm',
        version: 1,
        on: true,
        variations: ['control', 'treatment'],
        offVariation: 0,
        fallthrough: rollout([0, 70000], [1, 30000]),
        rules: [{ variation: 1, clauses: [] }],
      },
      settings: { onValues: { m: ['treatment'] } },
      expected: { rollout: { rules: 1, text: '1 rule; default rule: 30% treatment' } },
    },
    {
      name: 'a prerequisite alone makes the percentage conditional',
      flag: bool({ prerequisites: [{ key: 'checkout-v2', variation: 0 }] }),
      expected: { rollout: { rules: 0, text: 'requires checkout-v2; default rule: 100% true' } },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const env = normalizeFlagEnvironment(c.flag, prod, { ...settings, ...c.settings });
      for (const [field, value] of Object.entries(c.expected)) assert.deepEqual(env[field as keyof typeof env], value, field);
    });
  }

  it('links to the flag targeting page of the environment', () => {
    assert.equal(
      environmentUrl('PROJ-5-banner', 'production', settings),
      'https://app.launchdarkly.com/projects/default/flags/PROJ-5-banner/targeting?env=production',
    );
  });

  it('uses a configured UI base (EU or federal instances)', () => {
    const env = normalizeFlagEnvironment(
      bool({}),
      { name: 'prod', key: 'prd' },
      { ...settings, uiBaseUrl: 'https://app.eu.launchdarkly.com/' },
    );
    assert.equal(env.url, 'https://app.eu.launchdarkly.com/projects/default/flags/f/targeting?env=prd');
  });
  it('reads configured on-values by own key only: a flag keyed "constructor" or "toString" maps as any other', () => {
    const multivariate = (key: string) => bool({ key, variations: ['a', 'b', 'c'], offVariation: 2, fallthrough: { variation: 1 } });
    for (const key of ['constructor', 'toString', '__proto__']) {
      const env = normalizeFlagEnvironment(multivariate(key), prod, settings);
      assert.deepEqual([env.enabled, env.defaultValue, env.rollout?.percentage], [true, 'c', 100], key);
    }
  });
});

describe('LaunchDarkly mapping: rollout helpers', () => {
  const isTrue = onVariation(bool({}), {});
  const table: { name: string; served: Parameters<typeof onShare>[0]; expected: number | undefined }[] = [
    {
      name: 'weights short of 100% go to the last variation, as the SDK buckets them',
      served: rollout([1, 50000], [0, 30000]),
      expected: 50,
    },
    { name: 'nothing served (malformed) → unknown', served: {}, expected: undefined },
    { name: 'a negative weight serves nothing', served: rollout([0, -5], [1, 100000]), expected: 0 },
    {
      name: 'weights past 100% serve nothing past it, as the SDK buckets them in order (40%, not 60%)',
      served: rollout([1, 60000], [0, 60000]),
      expected: 40,
    },
    {
      name: 'a negative weight takes the running sum back: the next variation gets only what passes the highest sum',
      served: rollout([1, 50000], [0, -20000], [0, 60000]),
      expected: 50,
    },
    {
      name: 'a fixed variation wins over a rollout given beside it, as the SDK serves it',
      served: { variation: 1, ...rollout([0, 100000]) },
      expected: 0,
    },
    {
      name: 'a null variation beside a rollout leaves the rollout to decide, as the SDK does',
      served: { variation: null, ...rollout([0, 100000]) },
      expected: 100,
    },
  ];
  for (const c of table) it(c.name, () => assert.equal(onShare(c.served, isTrue), c.expected));

  it('cuts the text at 255 characters', () => {
    const prerequisites = Array.from({ length: 40 }, (_, i) => ({ key: `prerequisite-flag-${i}`, variation: 0 }));
    const text = describeRollout(bool({ prerequisites }), isTrue, 'true').text!;
    assert.equal(text.length, 255);
  });

  it('says so when the default rule is missing', () => {
    assert.equal(
      describeRollout(bool({ fallthrough: null, rules: [{ variation: 0 }] }), isTrue, 'true').text,
      '1 rule; default rule: not set',
    );
  });

  it('writes strings as they are and other values as JSON', () => {
    assert.deepEqual(
      [valueText('x'), valueText(true), valueText(3), valueText(null), valueText(undefined)],
      ['x', 'true', '3', 'null', undefined],
    );
  });
});

describe('LaunchDarkly mapping: all environments', () => {
  const prodFlags = Object.values(production.flags) as LdFlag[];

  it('leaves deleted flags out', () => {
    const { flags } = normalizeLaunchDarklyFlags([{ ...prod, flags: prodFlags }], undefined, settings);
    assert.deepEqual(
      flags.map((f) => f.key),
      ['PROJ-5-banner', 'checkout-v2', 'new-pricing', 'rate-limits', 'search-ranking'],
    );
  });

  it('merges environments into one flag with one detail each', () => {
    const off = prodFlags.map((f) => ({ ...f, on: false }));
    const [banner] = normalizeLaunchDarklyFlags(
      [
        { ...prod, flags: prodFlags },
        { name: 'staging', key: 'stg', flags: off },
      ],
      undefined,
      settings,
    ).flags;
    assert.deepEqual(
      banner!.environments.map((e) => [e.name, e.enabled, e.url]),
      [
        ['production', true, 'https://app.launchdarkly.com/projects/default/flags/PROJ-5-banner/targeting?env=production'],
        ['staging', false, 'https://app.launchdarkly.com/projects/default/flags/PROJ-5-banner/targeting?env=stg'],
      ],
    );
  });

  it('without REST metadata: no name, no tags, no issue keys, provider from settings', () => {
    const [banner] = normalizeLaunchDarklyFlags([{ ...prod, flags: prodFlags }], undefined, settings).flags;
    assert.deepEqual(
      { provider: banner!.provider, name: banner!.name, tags: banner!.tags, issueKeys: banner!.issueKeys, url: banner!.url },
      {
        provider: 'ld',
        name: undefined,
        tags: [],
        issueKeys: [],
        url: 'https://app.launchdarkly.com/projects/default/flags/PROJ-5-banner',
      },
    );
  });

  it('with REST metadata read but none for a flag: that flag is skipped, not mapped without it', () => {
    const meta = new Map(prodFlags.filter((f) => f.key !== 'rate-limits').map((f) => [f.key, { key: f.key }]));
    const { flags, skipped } = normalizeLaunchDarklyFlags([{ ...prod, flags: prodFlags }], meta, settings);
    assert.deepEqual(
      [flags.some((f) => f.key === 'rate-limits'), skipped],
      [false, [{ key: 'rate-limits', reason: 'no REST metadata for this flag' }]],
    );
  });

  it('with REST metadata: name, description, tags, maintainer, change time and issue keys from the configured property', () => {
    const meta = new Map([
      [
        'checkout-v2',
        {
          key: 'checkout-v2',
          name: 'Checkout v2',
          description: 'New checkout (DEMO-12)',
          tags: ['team-payments', 'WEB-9'],
          _maintainer: { email: 'pat@example.com' },
          customProperties: { 'jira.issues': { name: 'Jira issues', value: ['OPS-4', ' ', 'OPS-4'] } },
          environments: { production: { lastModified: 1767225600000 } },
        },
      ],
    ]);
    const { flags } = normalizeLaunchDarklyFlags([{ ...prod, flags: prodFlags }], meta, { ...settings, issueKeysProperty: 'jira.issues' });
    const checkout = flags.find((f) => f.key === 'checkout-v2')!;
    assert.deepEqual(
      [checkout.name, checkout.description, checkout.tags, checkout.issueKeys, checkout.lastUpdated, checkout.environments[0]!.lastUpdated],
      [
        'Checkout v2',
        'New checkout (DEMO-12)',
        ['team-payments', 'WEB-9', 'maintainer:pat@example.com'],
        ['OPS-4'],
        '2026-01-01T00:00:00.000Z',
        '2026-01-01T00:00:00.000Z',
      ],
    );
  });
});

describe('LaunchDarkly mapping: prerequisites that cannot be met', () => {
  const child = bool({ key: 'child', prerequisites: [{ key: 'parent', variation: 0 }] });
  const enabledOf = (flags: LdFlag[], skipped: { key: string; reason: string }[] = []) =>
    normalizeLaunchDarklyFlags([{ ...prod, flags, skipped }], undefined, settings).flags.find((f) => f.key === 'child')!.environments[0]!
      .enabled;

  it('a prerequisite that is on may be met: the child stays on, its rollout says what it requires', () => {
    assert.equal(enabledOf([child, bool({ key: 'parent' })]), true);
  });

  it('a prerequisite that is off, deleted or absent: the child is off (everyone gets its off variation)', () => {
    assert.equal(enabledOf([child, bool({ key: 'parent', on: false })]), false);
    assert.equal(enabledOf([child, bool({ key: 'parent', deleted: true })]), false);
    assert.equal(enabledOf([child]), false);
  });

  it('a prerequisite whose own prerequisite cannot be met is never on either; a cycle is never met', () => {
    const parent = bool({ key: 'parent', prerequisites: [{ key: 'grandparent', variation: 0 }] });
    assert.equal(enabledOf([child, parent, bool({ key: 'grandparent', on: false })]), false);
    assert.equal(enabledOf([child, parent, bool({ key: 'grandparent' })]), true);
    assert.equal(enabledOf([child, bool({ key: 'parent', prerequisites: [{ key: 'child', variation: 0 }] })]), false);
  });

  it('a prerequisite listed but unreadable may be on: the child is not called off', () => {
    assert.equal(enabledOf([child], [{ key: 'parent', reason: 'malformed rules' }]), true);
  });

  it('a prerequisite that is on but serves the required variation to no one: the child is off, with its off value', () => {
    const newApi = bool({ key: 'new-api', fallthrough: { variation: 1 }, rules: [], targets: [] });
    const newUi = bool({ key: 'PROJ-7-new-ui', prerequisites: [{ key: 'new-api', variation: 0 }] });
    const { flags } = normalizeLaunchDarklyFlags([{ ...prod, flags: [newApi, newUi] }], undefined, settings);
    assert.deepEqual(flags.find((f) => f.key === 'PROJ-7-new-ui')!.environments[0], {
      name: 'production',
      enabled: false,
      defaultValue: 'false',
      url: 'https://app.launchdarkly.com/projects/default/flags/PROJ-7-new-ui/targeting?env=production',
    });
    // A multivariate parent serving another fixed variation to everyone.
    const plan = { key: 'parent', variations: ['basic', 'pro', 'enterprise'], offVariation: 0, fallthrough: { variation: 2 } };
    assert.equal(enabledOf([bool({ key: 'child', prerequisites: [{ key: 'parent', variation: 1 }] }), bool(plan)]), false);
    assert.equal(enabledOf([bool({ key: 'child', prerequisites: [{ key: 'parent', variation: 2 }] }), bool(plan)]), true);
  });

  it('a default rollout giving the required variation no weight never meets it; any weight, or being listed last, may', () => {
    assert.equal(enabledOf([child, bool({ key: 'parent', fallthrough: rollout([0, 0], [1, 100_000]) })]), false);
    assert.equal(enabledOf([child, bool({ key: 'parent', fallthrough: rollout([1, 100_000]) })]), false);
    assert.equal(enabledOf([child, bool({ key: 'parent', fallthrough: rollout([0, 1], [1, 99_999]) })]), true);
    // The SDK gives the last listed variation to contexts bucketed past the summed weights.
    assert.equal(enabledOf([child, bool({ key: 'parent', fallthrough: rollout([1, 100_000], [0, 0]) })]), true);
  });

  it('individual targets, context targets or rules on the prerequisite may serve the required variation: not called off', () => {
    const never = { key: 'parent', fallthrough: { variation: 1 } };
    assert.equal(enabledOf([child, bool(never)]), false);
    assert.equal(enabledOf([child, bool({ ...never, targets: [{ values: ['u1'], variation: 0 }] })]), true);
    assert.equal(enabledOf([child, bool({ ...never, contextTargets: [{ contextKind: 'org', values: ['o1'], variation: 0 }] })]), true);
    assert.equal(
      enabledOf([
        child,
        bool({ ...never, rules: [{ variation: 0, clauses: [{ attribute: 'email', op: 'endsWith', values: ['@x.io'] }] }] }),
      ]),
      true,
    );
  });

  it('a default rule the SDK cannot serve (no variation, out of range) is an error, not the off variation: not called off', () => {
    assert.equal(enabledOf([child, bool({ key: 'parent', fallthrough: { variation: 1 } })]), false);
    assert.equal(enabledOf([child, bool({ key: 'parent', fallthrough: { variation: 5 } })]), true);
    assert.equal(enabledOf([child, bool({ key: 'parent', fallthrough: {} })]), true);
  });

  it('a prerequisite whose own prerequisite is never met serves its off variation to everyone, which meets only that variation', () => {
    const parent = bool({ key: 'parent', prerequisites: [{ key: 'grandparent', variation: 0 }] });
    // Grandparent on but serving false to everyone: parent never serves true, so the child is off.
    assert.equal(enabledOf([child, parent, bool({ key: 'grandparent', fallthrough: { variation: 1 } })]), false);
    // The child requires the parent's off variation (false): every context gets it, so the child is on.
    const wantsOff = bool({ key: 'child', prerequisites: [{ key: 'parent', variation: 1 }] });
    assert.equal(enabledOf([wantsOff, parent, bool({ key: 'grandparent', on: false })]), true);
  });

  it('a prerequisite whose own prerequisite may be met is not certain: it may also fail or end in an error (not called off)', () => {
    // Grandparent on with a default rule the SDK cannot serve: every evaluation through it is an error, which the
    // SDK hands on to the child (the application's default), not the child's off variation.
    const parent = bool({ key: 'parent', prerequisites: [{ key: 'grandparent', variation: 0 }], fallthrough: { variation: 1 } });
    assert.equal(enabledOf([child, parent, bool({ key: 'grandparent', fallthrough: {} })]), true);
    // The same with a grandparent listed but unreadable.
    assert.equal(enabledOf([child, parent], [{ key: 'grandparent', reason: 'malformed rules' }]), true);
  });

  it('a prerequisite on a cycle is taken as unmet, all the way up (the SDK fails the evaluation as malformed)', () => {
    const wantsOff = bool({ key: 'child', prerequisites: [{ key: 'parent', variation: 1 }] });
    const parent = bool({ key: 'parent', prerequisites: [{ key: 'child', variation: 0 }] });
    assert.equal(enabledOf([wantsOff, parent]), false);
  });
});
