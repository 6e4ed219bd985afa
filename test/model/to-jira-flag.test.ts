import { strict as assert } from 'node:assert';
import * as sinon from 'sinon';
import type { NormalizedFlag } from '../../src/kit/flag';
import { DEFAULT_LINKING } from '../../src/model/issue-keys';
import { defaultEnvironmentType } from '../../src/model/environment-type';
import { FlagStampedOnSend, stampFlag, toJiraFlag, type MappingContext } from '../../src/model/to-jira-flag';
import { desiredFlags } from '../../src/reconcile/desired-flags';

const ctx: MappingContext = { environmentTypes: new Map([['live-eu', 'production' as const]]), linking: DEFAULT_LINKING };

function flag(overrides: Partial<NormalizedFlag> = {}): NormalizedFlag {
  return {
    provider: 'demo',
    key: 'PROJ-1-alpha',
    name: 'Alpha',
    tags: [],
    issueKeys: [],
    url: 'https://flags.example/alpha',
    lastUpdated: '2026-11-01T10:00:00.000Z',
    environments: [
      {
        name: 'production',
        enabled: true,
        rollout: { percentage: 25 },
        defaultValue: 'false',
        url: 'https://flags.example/alpha?env=production',
      },
      { name: 'staging', enabled: false, defaultValue: 'false', url: 'https://flags.example/alpha?env=staging' },
    ],
    ...overrides,
  };
}

function mapped(f: NormalizedFlag) {
  const m = toJiraFlag(f, ctx);
  if (m.kind !== 'mapped') throw new Error(`expected mapped, got ${m.kind}`);
  return m;
}

describe('normalized flag → Jira feature flag', () => {
  it('maps the issue example: production 25% linked to PROJ-1', () => {
    const m = mapped(flag());
    assert.equal(m.id, 'demo:PROJ-1-alpha');
    assert.deepEqual(m.flag.associations, [{ associationType: 'issueIdOrKeys', values: ['PROJ-1'] }]);
    const production = m.flag.details.find((d) => d.environment.name === 'production')!;
    assert.deepEqual(production.environment, { name: 'production', type: 'production' });
    assert.deepEqual(production.status, { enabled: true, defaultValue: 'false', rollout: { percentage: 25 } });
    assert.deepEqual(m.flag.details[1]!.status, { enabled: false, defaultValue: 'false' });
  });

  it('summary: enabled when on in any production env, rollout of the most production-like env', () => {
    const m = mapped(flag());
    assert.deepEqual(m.flag.summary.status, { enabled: true, defaultValue: 'false', rollout: { percentage: 25 } });
    assert.equal(m.flag.summary.url, 'https://flags.example/alpha');
  });

  it("an environment's type from the source is used where the config names none; the config's wins", () => {
    const m = mapped(
      flag({
        environments: [
          { name: 'default', enabled: false, type: 'production' },
          { name: 'development', enabled: true, rollout: { percentage: 100 } },
          { name: 'live-eu', enabled: true, type: 'staging' },
        ],
      }),
    );
    assert.deepEqual(
      m.flag.details.map((d) => d.environment),
      [
        { name: 'default', type: 'production' },
        { name: 'development', type: 'development' },
        { name: 'live-eu', type: 'production' },
      ],
    );
  });

  it('a type from the source changes the input fingerprint (the flag is mapped again)', () => {
    const [plain] = desiredFlags([flag()], { provider: 'demo', linking: DEFAULT_LINKING, environmentTypes: new Map() }).entities;
    const typed = flag({ environments: flag().environments.map((e) => ({ ...e, type: 'production' as const })) });
    const [withType] = desiredFlags([typed], { provider: 'demo', linking: DEFAULT_LINKING, environmentTypes: new Map() }).entities;
    assert.notEqual(plain!.inputHash, withType!.inputHash);
  });

  it('summary follows staging when there is no production env', () => {
    const m = mapped(
      flag({
        environments: [
          { name: 'dev', enabled: true, url: 'https://x.example/d' },
          { name: 'staging', enabled: false, url: 'https://x.example/s' },
        ],
      }),
    );
    assert.equal(m.flag.summary.status.enabled, false);
  });

  describe('summary roll-up: the furthest rolled-out environment of the highest type', () => {
    it('two production environments, one off and one at 50%: the summary is the 50% one', () => {
      const m = mapped(
        flag({
          environments: [
            { name: 'prod-eu', enabled: false, defaultValue: 'false', url: 'https://x.example/eu' },
            { name: 'prod-us', enabled: true, rollout: { percentage: 50 }, defaultValue: 'false', url: 'https://x.example/us' },
            { name: 'staging', enabled: true, url: 'https://x.example/s' },
          ],
        }),
      );
      assert.deepEqual(m.flag.summary.status, { enabled: true, defaultValue: 'false', rollout: { percentage: 50 } });
    });

    it('on for everyone beats a percentage; a percentage beats rules alone; ties go to the first', () => {
      const envs = (a: object, b: object) =>
        mapped(
          flag({
            environments: [
              { name: 'prod-a', enabled: true, url: 'https://x.example/a', ...a },
              { name: 'prod-b', enabled: true, url: 'https://x.example/b', ...b },
            ],
          }),
        ).flag.summary.status;
      assert.deepEqual(envs({ rollout: { percentage: 90 } }, {}), { enabled: true });
      assert.deepEqual(envs({ rollout: { rules: 2 } }, { rollout: { percentage: 5 } }), { enabled: true, rollout: { percentage: 5 } });
      assert.deepEqual(envs({ rollout: { percentage: 20 }, defaultValue: 'a' }, { rollout: { percentage: 20 }, defaultValue: 'b' }), {
        enabled: true,
        defaultValue: 'a',
        rollout: { percentage: 20 },
      });
    });

    it('all production environments off: disabled, even when staging is on', () => {
      const m = mapped(
        flag({
          environments: [
            { name: 'staging', enabled: true, url: 'https://x.example/s' },
            { name: 'prod-eu', enabled: false, url: 'https://x.example/eu' },
          ],
        }),
      );
      assert.equal(m.flag.summary.status.enabled, false);
    });
  });

  describe('displayName', () => {
    it("is the flag's name", () => {
      assert.equal(mapped(flag()).flag.displayName, 'Alpha');
    });

    it("is the flag's key when it has no name, never the internal <provider>:<key> id", () => {
      assert.equal(mapped(flag({ name: undefined })).flag.displayName, 'PROJ-1-alpha');
      assert.equal(mapped(flag({ name: '  ' })).flag.displayName, 'PROJ-1-alpha');
    });
  });

  describe('links', () => {
    it('drops credentials from a link', () => {
      const m = mapped(flag({ url: 'https://ci:s3cret@flags.example/alpha' }));
      assert.equal(m.flag.summary.url, 'https://flags.example/alpha');
    });

    it('never sends a file link: the environment falls back to the flag link, with a warning', () => {
      const m = mapped(flag({ environments: [{ name: 'production', enabled: true, url: 'file:///srv/flags/prod.json' }] }));
      assert.equal(m.flag.details[0]!.url, 'https://flags.example/alpha');
      assert.ok(m.warnings.some((w) => w.startsWith('environment production: url: not an http(s) URL')));
    });

    it('skips a flag with no link for people at all, naming why', () => {
      const m = toJiraFlag(flag({ url: '/srv/flags/prod.json', environments: [{ name: 'production', enabled: true }] }), ctx);
      assert.equal(m.kind, 'skipped');
      assert.match(m.kind === 'skipped' ? m.reason : '', /no link for people/);
    });

    it('leaves out a URL over 2000 characters with a warning', () => {
      const long = `https://flags.example/${'a'.repeat(2000)}`;
      const m = mapped(flag({ environments: [{ name: 'production', enabled: true, url: long }] }));
      assert.equal(m.flag.details[0]!.url, 'https://flags.example/alpha');
      assert.ok(m.warnings.some((w) => w.includes('longer than 2000')));
    });
  });

  describe('times', () => {
    it('are normalized to RFC 3339 UTC', () => {
      const m = mapped(
        flag({
          lastUpdated: '2026-11-01T12:00:00+02:00',
          environments: [{ name: 'production', enabled: true, url: 'https://x.example/p', lastUpdated: '2026-11-02 08:00:00-01:00' }],
        }),
      );
      const stamped = stampFlag({ flag: m.flag, times: m.times }, 1, '2026-11-23T00:00:00.000Z');
      assert.equal(stamped.details[0]!.lastUpdated, '2026-11-02T09:00:00.000Z');
      assert.equal(stamped.summary.lastUpdated, '2026-11-02T09:00:00.000Z');
    });

    it('one that is no date-time is left out with a warning (the send time stands in)', () => {
      const m = mapped(
        flag({ lastUpdated: 'yesterday', environments: [{ name: 'production', enabled: true, url: 'https://x.example/p' }] }),
      );
      const stamped = stampFlag({ flag: m.flag, times: m.times }, 1, '2026-11-23T00:00:00.000Z');
      assert.equal(stamped.details[0]!.lastUpdated, '2026-11-23T00:00:00.000Z');
      assert.ok(m.warnings.some((w) => w === 'lastUpdated: "yesterday" is not an RFC 3339 date-time, left out'));
    });
  });

  it('config mapping wins over names; unknown names leave the type out', () => {
    const m = mapped(
      flag({
        environments: [
          { name: 'live-eu', enabled: true, url: 'https://x.example/a' },
          { name: 'blue', enabled: true, url: 'https://x.example/b' },
        ],
      }),
    );
    assert.deepEqual(
      m.flag.details.map((d) => d.environment),
      [{ name: 'live-eu', type: 'production' }, { name: 'blue' }],
    );
  });

  it('a flag without issue keys is unlinked, not sent', () => {
    assert.equal(toJiraFlag(flag({ key: 'dark-mode', name: 'Dark mode' }), ctx).kind, 'unlinked');
  });

  it('skips (with a reason) a flag whose environment has no usable URL', () => {
    const m = toJiraFlag(flag({ url: undefined, environments: [{ name: 'production', enabled: true, url: 'not a url' }] }), ctx);
    assert.equal(m.kind, 'skipped');
  });

  it('trims over-long text to 255 with a warning and drops out-of-range percentages', () => {
    const m = mapped(
      flag({
        name: 'n'.repeat(300),
        environments: [
          { name: 'production', enabled: true, rollout: { percentage: 140 }, defaultValue: 'v'.repeat(400), url: 'https://x.example' },
        ],
      }),
    );
    assert.equal(m.flag.displayName!.length, 255);
    assert.equal(m.flag.details[0]!.status.defaultValue!.length, 255);
    assert.equal(m.flag.details[0]!.status.rollout, undefined);
    assert.equal(m.warnings.length, 3);
  });

  it('cuts a name between characters, never inside an emoji (no lone surrogate is sent)', () => {
    const m = mapped(flag({ name: `${'n'.repeat(254)}🚀 launch` }));
    assert.equal(m.flag.displayName, 'n'.repeat(254));
    assert.deepEqual(m.warnings, ['name cut to 255 characters']);
  });

  it('drops NUL, ESC and bidi-override characters from names sent to Jira, with a warning naming the field', () => {
    const m = mapped(
      flag({
        name: 'Alpha\u0000 \u001b[2Jcheckout\u202e',
        environments: [{ name: 'prod\u2066uction', enabled: true, url: 'https://flags.example/alpha', rollout: { text: 'a\nb' } }],
      }),
    );
    assert.equal(m.flag.displayName, 'Alpha [2Jcheckout');
    assert.equal(m.flag.details[0]!.environment.name, 'production');
    assert.deepEqual(m.flag.details[0]!.status.rollout, { text: 'a b' });
    assert.deepEqual(m.warnings, [
      'environment production: name: control or bidi-override characters removed',
      'environment production: rollout text: control or bidi-override characters removed',
      'name: control or bidi-override characters removed',
    ]);
  });

  it("leaves out an adapter's rollout for an environment where the flag is off, with a warning (off reaches no one)", () => {
    const m = mapped(
      flag({ environments: [{ name: 'production', enabled: false, rollout: { percentage: 50 }, url: 'https://flags.example/alpha' }] }),
    );
    assert.deepEqual(m.flag.details[0]!.status, { enabled: false });
    assert.deepEqual(m.warnings, ['environment production: rollout left out, the flag is off there']);
  });

  describe('text that is empty, or the same as another, once cleaned', () => {
    const env = (name: string, enabled = true) => ({ name, enabled, url: 'https://flags.example/alpha' });

    it('a name of control characters alone shows the key, not a blank name', () => {
      assert.equal(mapped(flag({ name: '\u0007' })).flag.displayName, 'PROJ-1-alpha');
    });

    it('skips a flag whose key, or an environment whose name, is nothing but control characters', () => {
      assert.deepEqual(toJiraFlag(flag({ key: '\u0007', issueKeys: ['PROJ-1'] }), ctx), {
        kind: 'skipped',
        id: 'demo:\u0007',
        reason: 'key: nothing left once control characters are removed',
      });
      const m = toJiraFlag(flag({ environments: [env('production'), env('\u0001')] }), ctx);
      assert.deepEqual(m.kind === 'skipped' && m.reason, 'environment : no name left once control characters are removed');
    });

    it('keeps one detail of two environment names Jira would get as one (only cleaning or cutting tells them apart)', () => {
      const m = mapped(
        flag({ environments: [env('prod'), env('prod\u0000', false), env(`${'e'.repeat(255)}1`), env(`${'e'.repeat(255)}2`)] }),
      );
      assert.deepEqual(
        m.flag.details.map((d) => [d.environment.name.length, d.status.enabled]),
        [
          [4, true],
          [255, true],
        ],
      );
      assert.ok(m.warnings.includes('environment prod appears twice once cleaned or cut, second left out'), m.warnings.join('\n'));
    });
  });

  it('text rollouts and rule counts pass through', () => {
    const m = mapped(
      flag({
        environments: [
          { name: 'production', enabled: true, rollout: { rules: 2, text: '2 rules; 3 targeted users' }, url: 'https://x.example' },
        ],
      }),
    );
    assert.deepEqual(m.flag.details[0]!.status.rollout, { text: '2 rules; 3 targeted users' });
  });

  it('stamping uses environment times, else the flag time, and the summary carries the latest', () => {
    const m = mapped(
      flag({
        environments: [
          { name: 'production', enabled: true, url: 'https://x.example/p', lastUpdated: '2026-11-02T00:00:00.000Z' },
          { name: 'staging', enabled: true, url: 'https://x.example/s' },
        ],
      }),
    );
    const stamped = stampFlag({ flag: m.flag, times: m.times }, 7, '2026-11-23T00:00:00.000Z');
    assert.deepEqual(
      stamped.details.map((d) => d.lastUpdated),
      ['2026-11-02T00:00:00.000Z', '2026-11-01T10:00:00.000Z'],
    );
    assert.equal(stamped.summary.lastUpdated, '2026-11-02T00:00:00.000Z');
  });

  it('stamping sets the sequence id and fills unknown times with the send time', () => {
    const m = mapped(flag({ lastUpdated: undefined }));
    const stamped = stampFlag({ flag: m.flag, times: m.times }, 42, '2026-11-23T00:00:00.000Z');
    assert.equal(stamped.updateSequenceId, 42);
    assert.equal(stamped.summary.lastUpdated, '2026-11-23T00:00:00.000Z');
    assert.ok(stamped.details.every((d) => d.lastUpdated === '2026-11-23T00:00:00.000Z'));
  });

  const names: Array<[string, string | undefined]> = [
    ['production', 'production'],
    ['prod-eu', 'production'],
    ['eu_prod', 'production'],
    ['live', 'production'],
    ['staging', 'staging'],
    ['stg', 'staging'],
    ['preprod', 'staging'],
    ['pre-prod', 'staging'],
    ['non-prod', undefined],
    ['products', undefined],
    ['qa', 'testing'],
    ['test', 'testing'],
    ['qa2', 'testing'],
    ['development', 'development'],
    ['dev', 'development'],
    ['blue', undefined],
  ];
  for (const [name, type] of names)
    it(`environment "${name}" defaults to ${String(type)}`, () => assert.equal(defaultEnvironmentType(name), type));
});

describe('a flag as it is sent (FlagStampedOnSend)', () => {
  const now = '2026-11-23T00:00:00.000Z';
  const times = [undefined, '2026-11-01T10:00:00.000Z', '2026-11-02T08:00:00-01:00', 'yesterday'];
  const rollouts = [undefined, { percentage: 12.5 }, { rules: 3 }, { text: 'beta "testers" é ✓' }];
  const variants: NormalizedFlag[] = [];
  for (let i = 0; i < 64; i++) {
    variants.push(
      flag({
        key: `PROJ-${i + 1}-k\u00e9y`,
        name: i % 5 === 0 ? undefined : `Name "${i}" \u2028 ✓`,
        lastUpdated: times[i % 4],
        url: i % 3 === 0 ? undefined : `https://flags.example/f/${i}?a=1&b=2`,
        environments: Array.from({ length: 1 + (i % 4) }, (_, e) => ({
          name: ['production', 'staging', 'live-eu', 'dev \u00e9'][e]!,
          enabled: (i + e) % 2 === 0,
          ...(e % 2 === 0 && { defaultValue: `v${i}` }),
          ...(rollouts[(i + e) % 4] !== undefined && { rollout: rollouts[(i + e) % 4] }),
          url: `https://flags.example/f/${i}?env=${e}`,
          ...(times[(i + e + 1) % 4] !== undefined && { lastUpdated: times[(i + e + 1) % 4] }),
        })),
      }),
    );
  }

  it('makes its JSON from the parts hashing made, byte for byte what serializing the stamped flag gives', () => {
    const desired = desiredFlags(variants, { provider: 'demo', linking: DEFAULT_LINKING, environmentTypes: ctx.environmentTypes });
    assert.equal(desired.entities.length, variants.length);
    for (const [i, entity] of desired.entities.entries()) {
      assert.ok(entity.payload.json !== undefined, `${entity.id}: no JSON parts`);
      const sent = new FlagStampedOnSend(entity.payload, 1000 + i, now);
      const expected = JSON.stringify(stampFlag(entity.payload, 1000 + i, now));
      assert.equal(sent.serialized(), expected, entity.id);
      assert.equal(JSON.stringify(sent), expected, entity.id);
      assert.equal(sent.id, entity.id);
      assert.deepEqual(sent.associations, entity.payload.flag.associations);
      // Kept as JSON until sent: the flag parsed back is the one the mapping made.
      const made = toJiraFlag(variants[i]!, { environmentTypes: ctx.environmentTypes, linking: DEFAULT_LINKING });
      assert.ok(made.kind === 'mapped');
      assert.deepEqual(entity.payload.flag, JSON.parse(JSON.stringify(made.flag)));
    }
  });

  it('sending a flag kept as JSON parses nothing back; its issue links are read from their own slice of it', () => {
    const desired = desiredFlags(variants, { provider: 'demo', linking: DEFAULT_LINKING, environmentTypes: ctx.environmentTypes });
    const sent = desired.entities.map((entity, i) => new FlagStampedOnSend(entity.payload, 1000 + i, now));
    const parse = sinon.spy(JSON, 'parse');
    try {
      for (const flag of sent) flag.serialized();
      assert.equal(parse.callCount, 0);
      for (const [i, flag] of sent.entries()) {
        parse.resetHistory();
        const expected = JSON.parse(JSON.stringify(desired.entities[i]!.payload.flag.associations)) as unknown;
        parse.resetHistory();
        assert.deepEqual(flag.associations, expected);
        assert.equal(parse.callCount, 1);
        assert.ok((parse.firstCall.args[0] as string).startsWith('[{"associationType"'), parse.firstCall.args[0] as string);
      }
    } finally {
      parse.restore();
    }
  });

  it('without JSON parts it serializes the stamped flag', () => {
    const m = mapped(flag());
    const sent = new FlagStampedOnSend({ flag: m.flag, times: m.times }, 7, now);
    assert.equal(sent.serialized(), JSON.stringify(stampFlag({ flag: m.flag, times: m.times }, 7, now)));
  });
});
