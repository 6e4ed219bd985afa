import { strict as assert } from 'node:assert';
import { isStateFile, StateFileCodec } from '../../src/store/file/state-codecs';
import { pathsOf, random, withChange } from '../helpers/random-json';

/**
 * The file store checks a loaded snapshot with `isStateFile`, a hand-written `StateFileCodec.is` (io-ts took half
 * as long as parsing a 100k-record file). The two must agree: on valid snapshots and on thousands of random changes.
 */
const valid: unknown[] = [
  { version: 1, entities: {} },
  {
    version: 1,
    entities: {
      featureflags: {
        'demo:a': { h: 'abc', s: 5, p: 'demo', f: { key: 'k1', 'env:production': 'e1' }, i: 'in' },
        'demo:b': { h: '', s: 6, p: 'demo' },
        'demo:c': { h: 'def', s: 7, p: 'demo', f: 'AAAAAAAAAABBBBBBBBBB["key","env:production"]', i: 'in' },
      },
      builds: { 'ci:1': { h: 'x', s: 1, p: 'ci', f: {} } },
      deployments: {},
      devinfo: { 'git:r/commit/1': { h: 'y', s: 2, p: 'git', i: 'z' } },
    },
    sources: { demo: { f: 'fp', m: 'map', n: 2, u: 0 } },
    repositories: { r: { p: 'git' }, empty: { p: 'git' } },
  },
];

const REPLACEMENTS: unknown[] = [
  null,
  true,
  0,
  1,
  -1.5,
  '',
  'x',
  [],
  ['x'],
  {},
  { h: 'a', s: 1, p: 'p' },
  { f: 'a', m: 'b', n: 1, u: 0 },
  { p: 'git' },
];

describe('state file check (isStateFile agrees with StateFileCodec)', () => {
  it('accepts the valid snapshots, as the codec does', () => {
    for (const value of valid) {
      assert.equal(StateFileCodec.is(value), true, JSON.stringify(value));
      assert.equal(isStateFile(value), true, JSON.stringify(value));
    }
  });

  it('answers as the codec does on 5,000 random changes to them', () => {
    const next = random(7);
    let refused = 0;
    for (let n = 0; n < 5000; n++) {
      const value = valid[Math.floor(next() * valid.length)]!;
      const paths = pathsOf(value);
      const at = paths[Math.floor(next() * paths.length)]!;
      const mutated = withChange(value, at, REPLACEMENTS[Math.floor(next() * REPLACEMENTS.length)], next() < 0.25);
      const expected = StateFileCodec.is(mutated);
      if (!expected) refused++;
      assert.equal(isStateFile(mutated), expected, JSON.stringify(mutated));
    }
    // Both answers must occur often, or this checks little.
    assert.ok(refused > 1000 && refused < 4500, `${refused} of 5000 refused`);
  });
});
