import { strict as assert } from 'node:assert';
import type { FlagEnvironment } from '../../../src/kit/flag';
import type { FlagdFile, FlagdFlag } from '../codecs';
import { FlagdFileError } from '../errors';
import { expandUrlTemplate, mapFlagEnvironment, readFlagMetadata, type EnvironmentDefinitions, type FlagdMapSettings } from '../map';
import { mapFlagdDefinitions } from '../join';

const BOOL = { on: true, off: false } as const;
const T1 = '2026-01-02T03:04:05.000Z';
const T2 = '2026-02-03T04:05:06.000Z';
const settings: FlagdMapSettings = { provider: 'demo' };

function defs(environment: string, file: FlagdFile, lastUpdated = T1): EnvironmentDefinitions {
  return { environment, file, sourceUrl: `file:///flags/${environment}.flagd.json`, lastUpdated };
}

function env(flag: FlagdFlag, extra: Partial<FlagdMapSettings> = {}): FlagEnvironment {
  return mapFlagEnvironment('f', flag, defs('production', { flags: { f: flag } }), { ...settings, ...extra });
}

describe('flagd map: state and targeting → environment status', () => {
  const rows: { name: string; flag: FlagdFlag; onVariants?: string[]; expect: Partial<FlagEnvironment> }[] = [
    {
      name: 'DISABLED → enabled false, no default value (flagd serves no variant: the code default), no rollout',
      flag: { state: 'DISABLED', variants: BOOL, defaultVariant: 'on' },
      expect: { enabled: false, defaultValue: undefined, rollout: undefined },
    },
    {
      name: 'ENABLED boolean without targeting serving true → 100%',
      flag: { state: 'ENABLED', variants: BOOL, defaultVariant: 'on' },
      expect: { enabled: true, defaultValue: undefined, rollout: { percentage: 100 } },
    },
    {
      name: 'ENABLED boolean without targeting serving false → 0%',
      flag: { state: 'ENABLED', variants: BOOL, defaultVariant: 'off' },
      expect: { enabled: true, defaultValue: undefined, rollout: { percentage: 0 } },
    },
    {
      name: 'empty targeting object counts as no targeting',
      flag: { state: 'ENABLED', variants: BOOL, defaultVariant: 'on', targeting: {} },
      expect: { rollout: { percentage: 100 } },
    },
    {
      name: 'top-level fractional on a boolean flag → percentage of the true variants',
      flag: {
        state: 'ENABLED',
        variants: BOOL,
        defaultVariant: 'off',
        targeting: {
          fractional: [
            ['on', 25],
            ['off', 75],
          ],
        },
      },
      expect: { enabled: true, defaultValue: undefined, rollout: { percentage: 25 } },
    },
    {
      name: 'a fractional of one argument evaluates to nothing in flagd: everyone gets the default variant',
      flag: { state: 'ENABLED', variants: BOOL, defaultVariant: 'off', targeting: { fractional: [['on', 100]] } },
      expect: { enabled: true, defaultValue: undefined, rollout: { percentage: 0 } },
    },
    {
      name: 'fractional weights count whole, as flagd counts them (12.5 is 12)',
      flag: {
        state: 'ENABLED',
        variants: BOOL,
        defaultVariant: 'off',
        targeting: {
          fractional: [
            ['on', 12.5],
            ['off', 87.5],
          ],
        },
      },
      expect: { rollout: { percentage: 12.12 } },
    },
    {
      name: 'fractional weights are relative, not percentages',
      flag: {
        state: 'ENABLED',
        variants: BOOL,
        defaultVariant: 'off',
        targeting: {
          fractional: [
            ['on', 1],
            ['off', 2],
          ],
        },
      },
      expect: { rollout: { percentage: 33.33 } },
    },
    {
      name: 'fractional with a bucketing expression first and a weightless bucket (weight 1)',
      flag: { state: 'ENABLED', variants: BOOL, defaultVariant: 'off', targeting: { fractional: [{ var: 'email' }, ['on'], ['off', 3]] } },
      expect: { rollout: { percentage: 25 } },
    },
    {
      name: 'several true variants add up',
      flag: {
        state: 'ENABLED',
        variants: { a: true, b: true, c: false },
        defaultVariant: 'c',
        targeting: {
          fractional: [
            ['a', 10],
            ['b', 20],
            ['c', 70],
          ],
        },
      },
      expect: { rollout: { percentage: 30 } },
    },
    {
      name: 'fractional with a computed weight (progressive rollout) → no percentage, a rule and text',
      flag: {
        state: 'ENABLED',
        variants: BOOL,
        defaultVariant: 'off',
        targeting: {
          fractional: [
            ['on', { '-': [{ var: '$flagd.timestamp' }, 1700000000] }],
            ['off', 100],
          ],
        },
      },
      expect: { rollout: { rules: 1, text: 'fractional split (computed weights)' } },
    },
    {
      name: 'fractional with a computed weight and onVariants → no percentage either',
      flag: {
        state: 'ENABLED',
        variants: { blue: 'b', green: 'g' },
        defaultVariant: 'blue',
        targeting: {
          fractional: [
            ['blue', { var: 'ramp' }],
            ['green', 40],
          ],
        },
      },
      onVariants: ['green'],
      expect: { rollout: { rules: 1, text: 'fractional split (computed weights)' } },
    },
    {
      name: 'fractional with a computed weight inside an if → described, not counted as 0',
      flag: {
        state: 'ENABLED',
        variants: BOOL,
        defaultVariant: 'off',
        targeting: {
          if: [
            { var: 'beta' },
            'on',
            {
              fractional: [
                ['on', { var: 'ramp' }],
                ['off', 100],
              ],
            },
          ],
        },
      },
      expect: { rollout: { rules: 1, text: '1 rule; fractional split (computed weights)' } },
    },
    {
      name: 'string flag fractional without onVariants → one rule and the split as text',
      flag: {
        state: 'ENABLED',
        variants: { blue: 'b', green: 'g' },
        defaultVariant: 'blue',
        targeting: {
          fractional: [
            ['blue', 60],
            ['green', 40],
          ],
        },
      },
      expect: { defaultValue: undefined, rollout: { rules: 1, text: 'fractional blue 60%, green 40%' } },
    },
    {
      name: 'string flag fractional with onVariants → percentage of those variants',
      flag: {
        state: 'ENABLED',
        variants: { blue: 'b', green: 'g' },
        defaultVariant: 'blue',
        targeting: {
          fractional: [
            ['blue', 60],
            ['green', 40],
          ],
        },
      },
      onVariants: ['green'],
      expect: { rollout: { percentage: 40 } },
    },
    {
      name: "onVariants naming none of the flag's variants is ignored",
      flag: { state: 'ENABLED', variants: { blue: 'b', green: 'g' }, defaultVariant: 'blue' },
      onVariants: ['on'],
      expect: { rollout: { text: 'everyone gets blue' } },
    },
    {
      name: 'string flag without targeting and onVariants → 100% when the default variant is on',
      flag: { state: 'ENABLED', variants: { blue: 'b', green: 'g' }, defaultVariant: 'green' },
      onVariants: ['green'],
      expect: { rollout: { percentage: 100 } },
    },
    {
      name: "ENABLED: no default value either (Jira's is what is served while off); the rollout text names the default variant",
      flag: { state: 'ENABLED', variants: { small: 10, large: 100 }, defaultVariant: 'large' },
      expect: { enabled: true, defaultValue: undefined, rollout: { text: 'everyone gets large' } },
    },
    {
      name: 'null default variant: no default value, everyone gets the application default',
      flag: { state: 'ENABLED', variants: BOOL, defaultVariant: null },
      expect: { defaultValue: undefined, rollout: { text: 'everyone gets the application default' } },
    },
    {
      name: 'empty default variant: unset, as in flagd (even beside a variant named "")',
      flag: { state: 'ENABLED', variants: { ...BOOL, '': false }, defaultVariant: '' },
      expect: { defaultValue: undefined, rollout: { text: 'everyone gets the application default' } },
    },
    {
      name: 'if with two conditions and a fallback → 2 rules, fallback named',
      flag: {
        state: 'ENABLED',
        variants: BOOL,
        defaultVariant: 'off',
        targeting: { if: [{ '==': [{ var: 'plan' }, 'beta'] }, 'on', { ends_with: [{ var: 'email' }, '@x.io'] }, 'on', 'off'] },
      },
      expect: { rollout: { rules: 2, text: '2 rules; else off' } },
    },
    {
      name: 'if with a fractional fallback → rule count and the fractional share',
      flag: {
        state: 'ENABLED',
        variants: BOOL,
        defaultVariant: 'off',
        targeting: {
          if: [
            { in: [{ var: 'email' }, ['a@x.io']] },
            'on',
            {
              fractional: [
                ['on', 25],
                ['off', 75],
              ],
            },
          ],
        },
      },
      expect: { rollout: { rules: 1, text: '1 rule; fractional on 25%' } },
    },
    {
      name: 'nested if in a branch counts its conditions too',
      flag: {
        state: 'ENABLED',
        variants: BOOL,
        defaultVariant: 'off',
        targeting: { if: [{ var: 'beta' }, { if: [{ var: 'staff' }, 'on', 'off'] }, 'off'] },
      },
      expect: { rollout: { rules: 2, text: '2 rules; else off' } },
    },
    {
      name: 'another operator computing the variant → 1 rule',
      flag: { state: 'ENABLED', variants: BOOL, defaultVariant: 'off', targeting: { var: 'variantName' } },
      expect: { rollout: { rules: 1, text: '1 rule' } },
    },
  ];

  for (const row of rows) {
    it(row.name, () => {
      const actual = env(row.flag, row.onVariants === undefined ? {} : { onVariants: row.onVariants });
      for (const [field, value] of Object.entries(row.expect)) {
        assert.deepEqual(actual[field as keyof FlagEnvironment], value, field);
      }
    });
  }

  it('rejects a fractional bucket naming a variant the flag does not have', () => {
    const flag: FlagdFlag = {
      state: 'ENABLED',
      variants: BOOL,
      defaultVariant: 'off',
      targeting: {
        fractional: [
          ['yes', 50],
          ['off', 50],
        ],
      },
    };
    assert.throws(
      () => env(flag),
      (err: unknown) => err instanceof FlagdFileError && /flags\.f\.targeting: .*"yes"/.test(err.message),
    );
  });

  it('clips rollout text to 255 characters', () => {
    const variants = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`variant-number-${i}`, `v${i}`]));
    const flag: FlagdFlag = {
      state: 'ENABLED',
      variants,
      defaultVariant: 'variant-number-0',
      targeting: { fractional: Object.keys(variants).map((v) => [v, 1]) },
    };
    const text = env(flag).rollout?.text ?? '';
    assert.equal(text.length, 255);
    assert.ok(text.endsWith('…'));
  });
});

describe('flagd map: metadata → flag fields', () => {
  const rows: { name: string; metadata: Record<string, string | number | boolean>; expect: ReturnType<typeof readFlagMetadata> }[] = [
    { name: 'no metadata', metadata: {}, expect: { tags: [], issueKeys: [] } },
    {
      name: 'name, description, url',
      metadata: { name: 'Checkout', description: 'New checkout', url: 'https://docs.example/checkout' },
      expect: { name: 'Checkout', description: 'New checkout', url: 'https://docs.example/checkout', tags: [], issueKeys: [] },
    },
    {
      name: 'tags: comma-separated, trimmed, de-duplicated',
      metadata: { tags: ' ui, jira:DEMO-3 ,ui,, ' },
      expect: { tags: ['ui', 'jira:DEMO-3'], issueKeys: [] },
    },
    {
      name: 'jira and issueKeys → issue keys (commas or spaces)',
      metadata: { jira: 'PROJ-1, PROJ-2', issueKeys: 'PROJ-2 DEMO-9' },
      expect: { tags: [], issueKeys: ['PROJ-1', 'PROJ-2', 'DEMO-9'] },
    },
    { name: 'non-string values are read as text', metadata: { name: 42 }, expect: { name: '42', tags: [], issueKeys: [] } },
    { name: 'blank values are ignored', metadata: { description: '  ', jira: '' }, expect: { tags: [], issueKeys: [] } },
  ];
  for (const row of rows) {
    it(row.name, () => assert.deepEqual(readFlagMetadata(row.metadata), row.expect));
  }
});

describe('flagd map: environments → normalized flags', () => {
  const prod: FlagdFile = {
    metadata: { tags: 'team:shop' },
    flags: {
      a: { state: 'ENABLED', variants: BOOL, defaultVariant: 'on', metadata: { description: 'prod text', jira: 'PROJ-1' } },
      b: { state: 'ENABLED', variants: BOOL, defaultVariant: 'on' },
    },
  };
  const staging: FlagdFile = {
    flags: {
      a: { state: 'DISABLED', variants: BOOL, defaultVariant: 'off', metadata: { description: 'staging text', jira: 'DEMO-2', name: 'A' } },
    },
  };
  const { flags } = mapFlagdDefinitions([defs('production', prod, T1), defs('staging', staging, T2)], settings);
  const a = flags.find((f) => f.key === 'a')!;

  it('joins environments by flag key, in configured order', () => {
    assert.deepEqual(
      flags.map((f) => f.key),
      ['a', 'b'],
    );
    assert.deepEqual(
      a.environments.map((e) => [e.name, e.enabled]),
      [
        ['production', true],
        ['staging', false],
      ],
    );
  });

  it('sets the provider name from settings', () => {
    assert.ok(flags.every((f) => f.provider === 'demo'));
  });

  it('takes name and description from the first environment that has them', () => {
    assert.equal(a.description, 'prod text');
    assert.equal(a.name, 'A');
  });

  it('unions issue keys over environments', () => {
    assert.deepEqual(a.issueKeys, ['PROJ-1', 'DEMO-2']);
  });

  it('inherits flag-set metadata (flag metadata wins)', () => {
    assert.deepEqual(flags.find((f) => f.key === 'b')!.tags, ['team:shop']);
  });

  it("inherits a set's tags and issue keys, not its name, description or link (they describe the set)", () => {
    const set: FlagdFile = {
      metadata: { name: 'Checkout flags', description: 'all of checkout', url: 'https://git.example/checkout', jira: 'SHOP-1' },
      flags: {
        c: { state: 'ENABLED', variants: BOOL, defaultVariant: 'on' },
        d: { state: 'ENABLED', variants: BOOL, defaultVariant: 'on' },
      },
    };
    const mapped = mapFlagdDefinitions([defs('production', set, T1)], {
      ...settings,
      urlTemplate: 'https://git.example/flags#{key}',
    }).flags;
    for (const flag of mapped) {
      assert.deepEqual(
        [flag.name, flag.description, flag.url, flag.issueKeys],
        [undefined, undefined, `https://git.example/flags#${flag.key}`, ['SHOP-1']],
      );
    }
  });

  it("uses the latest environment time as the flag's lastUpdated", () => {
    assert.equal(a.lastUpdated, T2);
    assert.deepEqual(
      a.environments.map((e) => e.lastUpdated),
      [T1, T2],
    );
  });

  it('gives no link for a local source file: a file path is no link any Jira user can open', () => {
    assert.deepEqual(
      a.environments.map((e) => e.url),
      [undefined, undefined],
    );
    assert.equal(a.url, undefined);
  });

  it('links an http source without its credentials and query string', () => {
    const remote = { ...defs('production', prod), sourceUrl: 'https://ci:s3cret@raw.example/flags/prod.json?token=abc' };
    const [flag] = mapFlagdDefinitions([remote], settings).flags;
    assert.equal(flag!.environments[0]!.url, 'https://raw.example/flags/prod.json');
  });

  it("lets an environment's own urlTemplate win over the provider's", () => {
    const own = { ...defs('production', prod), urlTemplate: 'https://ui.example/prod/{key}' };
    const [flag] = mapFlagdDefinitions([own, defs('staging', prod)], {
      ...settings,
      urlTemplate: 'https://ui.example/{environment}/{key}',
    }).flags;
    assert.deepEqual(
      flag!.environments.map((e) => e.url),
      ['https://ui.example/prod/a', 'https://ui.example/staging/a'],
    );
  });

  it('prefers metadata.url for the flag link', () => {
    const withUrl: FlagdFile = {
      flags: { a: { state: 'ENABLED', variants: BOOL, defaultVariant: 'on', metadata: { url: 'https://docs.example/a' } } },
    };
    assert.equal(mapFlagdDefinitions([defs('production', withUrl)], settings).flags[0]!.url, 'https://docs.example/a');
  });

  it('fills urlTemplate per environment and key', () => {
    const [flag] = mapFlagdDefinitions([defs('production', prod)], {
      ...settings,
      urlTemplate: 'https://git.example/flags/blob/main/{environment}.flagd.json#{key}',
    }).flags;
    assert.equal(flag!.environments[0]!.url, 'https://git.example/flags/blob/main/production.flagd.json#a');
  });

  it('percent-encodes template values', () => {
    assert.equal(
      expandUrlTemplate('https://x.example/{provider}/{environment}/{key}', { provider: 'p', environment: 'eu west', key: 'a/b' }),
      'https://x.example/p/eu%20west/a%2Fb',
    );
  });

  it('links a key holding a lone surrogate (valid JSON) with U+FFFD in its place, instead of failing the provider', () => {
    const odd: FlagdFile = { flags: { 'a\ud800b': { state: 'ENABLED', variants: BOOL, defaultVariant: 'on' } } };
    const mapped = mapFlagdDefinitions([defs('production', odd, T1)], { ...settings, urlTemplate: 'https://git.example/f#{key}' });
    assert.equal(mapped.flags[0]!.environments[0]!.url, 'https://git.example/f#a%EF%BF%BDb');
  });

  it('a flag missing from one environment lists only the others', () => {
    assert.deepEqual(
      flags.find((f) => f.key === 'b')!.environments.map((e) => e.name),
      ['production'],
    );
  });

  it('a flag first defined in a later environment comes after the flags before it, with its environments only', () => {
    const later: FlagdFile = { flags: { c: { state: 'ENABLED', variants: BOOL, defaultVariant: 'on' }, a: prod.flags['a']! } };
    const joined = mapFlagdDefinitions([defs('production', prod), defs('staging', later), defs('qa', later)], settings).flags;
    assert.deepEqual(
      joined.map((f) => [f.key, f.environments.map((e) => e.name)]),
      [
        ['a', ['production', 'staging', 'qa']],
        ['b', ['production']],
        ['c', ['staging', 'qa']],
      ],
    );
    // Plain lists, as if built one entry at a time: no empty slots.
    for (const flag of joined) assert.deepEqual(Object.keys(flag.environments), [...flag.environments.keys()].map(String));
  });

  it('unions tags and issue keys over environments, each once, in first-seen order', () => {
    const flag = (tags: string, jira: string): FlagdFile => ({
      flags: { t: { state: 'ENABLED', variants: BOOL, metadata: { tags, jira, issueKeys: 'OPS-1' } } },
    });
    const [joined] = mapFlagdDefinitions(
      [
        defs('production', flag('ui, web', 'PROJ-1')),
        defs('staging', flag('ui, web', 'PROJ-1')),
        defs('qa', flag('web, api,ui', 'PROJ-2 PROJ-1')),
      ],
      settings,
    ).flags;
    assert.deepEqual(joined!.tags, ['ui', 'web', 'api']);
    assert.deepEqual(joined!.issueKeys, ['PROJ-1', 'OPS-1', 'PROJ-2']);
  });
});

describe('flagd map: a flag the mapping cannot use → skipped', () => {
  const good: FlagdFlag = { state: 'ENABLED', variants: BOOL, defaultVariant: 'on' };
  const typo: FlagdFlag = {
    state: 'ENABLED',
    variants: BOOL,
    defaultVariant: 'off',
    targeting: {
      fractional: [
        ['yes', 50],
        ['off', 50],
      ],
    },
  };

  it('lists the flag with its environment and the problem', () => {
    const { skipped } = mapFlagdDefinitions([defs('production', { flags: { typo, good } })], settings);
    assert.deepEqual(
      skipped.map((s) => s.key),
      ['typo'],
    );
    assert.match(skipped[0]!.reason, /^environment "production": flags\.typo\.targeting: .*"yes"/);
  });

  it('a bucket naming what every object has (constructor, toString) is no variant of the flag either', () => {
    const inherited: FlagdFlag = {
      ...typo,
      targeting: {
        fractional: [
          ['constructor', 50],
          ['off', 50],
        ],
      },
    };
    const { skipped } = mapFlagdDefinitions([defs('production', { flags: { inherited, good } })], settings);
    assert.deepEqual(
      skipped.map((s) => s.key),
      ['inherited'],
    );
    assert.match(skipped[0]!.reason, /flags\.inherited\.targeting: .*"constructor"/);
  });

  it('names the source in the reason when a label is given', () => {
    const { skipped } = mapFlagdDefinitions(
      [{ ...defs('production', { flags: { typo } }), sourceLabel: '/srv/flags/prod.json' }],
      settings,
    );
    assert.match(skipped[0]!.reason, /^environment "production": \/srv\/flags\/prod\.json: flags\.typo\.targeting: /);
  });

  it('maps the other flags as usual', () => {
    const { flags } = mapFlagdDefinitions([defs('production', { flags: { typo, good } })], settings);
    assert.deepEqual(
      flags.map((f) => [f.key, f.environments[0]!.rollout]),
      [['good', { percentage: 100 }]],
    );
  });

  it('leaves out every environment of a flag bad in one of them', () => {
    const { flags } = mapFlagdDefinitions(
      [defs('production', { flags: { typo: good, good } }), defs('staging', { flags: { typo } })],
      settings,
    );
    assert.deepEqual(
      flags.map((f) => f.key),
      ['good'],
    );
  });

  it("lists a flag bad in several environments once, with each environment's problem", () => {
    const { skipped } = mapFlagdDefinitions([defs('production', { flags: { typo } }), defs('staging', { flags: { typo } })], settings);
    assert.equal(skipped.length, 1);
    assert.match(skipped[0]!.reason, /^environment "production": .*; environment "staging": /);
  });
});
