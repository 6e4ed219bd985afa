import * as assert from 'node:assert/strict';
import { isLeft } from 'fp-ts/Either';
import { NormalizedFlagCodec, NormalizedFlagCodecComposed } from '../../src/kit/flag-codecs';
import { pathsOf, random } from '../helpers/random-json';

/**
 * NormalizedFlagCodec's `is` is written out by hand (io-ts's combinators allocate per call); it must answer as the
 * composed codec does, for every value: checked on flags of every shape and on many values changed at random from
 * them (a fixed seed, so every run checks the same values).
 */
const flags: Record<string, unknown>[] = [
  { provider: 'shop', key: 'a', tags: [], issueKeys: [], environments: [] },
  {
    provider: 'shop',
    key: 'dark-mode',
    name: 'Dark mode',
    description: 'PROJ-1',
    tags: ['ui', 'web'],
    url: 'https://flags.example/dark-mode',
    lastUpdated: '2026-01-02T03:04:05.000Z',
    issueKeys: ['PROJ-1'],
    environments: [
      {
        name: 'production',
        enabled: true,
        defaultValue: 'false',
        rollout: { percentage: 25 },
        url: 'https://flags.example/p/dark-mode',
        lastUpdated: '2026-01-02T03:04:05.000Z',
      },
      { name: 'staging', enabled: false, rollout: { rules: 2, text: '2 rules; else off' }, type: 'staging' },
      { name: 'qa', enabled: true, defaultValue: undefined, rollout: undefined, url: undefined, lastUpdated: undefined },
    ],
  },
];

const REPLACEMENTS: unknown[] = [
  undefined,
  null,
  true,
  false,
  0,
  1.5,
  Number.NaN,
  '',
  'x',
  [],
  ['x'],
  [1],
  {},
  { name: 'e', enabled: true },
  'production',
  'prod',
  'constructor',
];

/** A copy with the value at `at` replaced, removed, or (in an array) left as a hole. */
function changed(value: unknown, at: readonly (string | number)[], replacement: unknown, how: number): unknown {
  if (at.length === 0) return replacement;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let parent = copy;
  for (const step of at.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  const last = at[at.length - 1]!;
  if (how < 0.15) delete parent[last];
  else if (how < 0.25) parent[`extra${String(last)}`] = replacement;
  else parent[last] = structuredClone(replacement);
  return copy;
}

describe('NormalizedFlagCodec', () => {
  it('accepts the flags the composed codec accepts', () => {
    for (const flag of flags) {
      assert.equal(NormalizedFlagCodecComposed.is(flag), true);
      assert.equal(NormalizedFlagCodec.is(flag), true);
    }
  });

  it('answers as the composed codec over 5,000 random changes, about a quarter of them still flags', () => {
    const next = random(7);
    let accepted = 0;
    for (let n = 0; n < 5000; n++) {
      const flag = flags[Math.floor(next() * flags.length)]!;
      const paths = pathsOf(flag);
      const value = changed(
        flag,
        paths[Math.floor(next() * paths.length)]!,
        REPLACEMENTS[Math.floor(next() * REPLACEMENTS.length)],
        next(),
      );
      const expected = NormalizedFlagCodecComposed.is(value);
      assert.equal(NormalizedFlagCodec.is(value), expected, JSON.stringify(value));
      if (expected) accepted++;
    }
    assert.ok(accepted > 1000, `${accepted} accepted`);
  });

  it('decodes as the composed codec, naming the same problems', () => {
    const bad = { ...flags[1], environments: [{ name: 'production', enabled: 'yes' }] };
    const ours = NormalizedFlagCodec.decode(bad);
    const composed = NormalizedFlagCodecComposed.decode(bad);
    assert.ok(isLeft(ours) && isLeft(composed));
    assert.deepEqual(
      ours.left.map((e) => e.context.map((c) => c.key).join('.')),
      composed.left.map((e) => e.context.map((c) => c.key).join('.')),
    );
  });
});
