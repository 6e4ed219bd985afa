import * as assert from 'node:assert/strict';
import type { FliptFlag, FliptRollout, FliptRule } from '../codecs';
import { fliptStatus } from '../rollout';

const boolean = (enabled: boolean): FliptFlag => ({ key: 'f', enabled, type: 'BOOLEAN_FLAG_TYPE' });
const variant = (enabled: boolean, defaultVariant?: string): FliptFlag => ({
  key: 'f',
  enabled,
  type: 'VARIANT_FLAG_TYPE',
  ...(defaultVariant !== undefined && { defaultVariant: { key: defaultVariant } }),
});
const threshold = (percentage: number, value: boolean, rank = 1): FliptRollout => ({
  type: 'THRESHOLD_ROLLOUT_TYPE',
  rank,
  threshold: { percentage, value },
});
const segment = (keys: string[], value: boolean, rank = 1): FliptRollout => ({
  type: 'SEGMENT_ROLLOUT_TYPE',
  rank,
  segment: { value, segments: keys.map((key) => ({ key })) },
});
const booleanWith = (enabled: boolean, ...rollouts: FliptRollout[]) => fliptStatus(boolean(enabled), { rules: [], rollouts });

describe("flipt status: boolean flags (rollouts in rank order, else the flag's `enabled` value)", () => {
  it('without rollouts: on or off as `enabled` says, serving false while off', () => {
    assert.deepEqual(booleanWith(true), { enabled: true, defaultValue: 'false' });
    assert.deepEqual(booleanWith(false), { enabled: false, defaultValue: 'false' });
  });

  it('`enabled: false` with a 30% threshold to true is on for 30%, not off', () => {
    assert.deepEqual(booleanWith(false, threshold(30, true)), { enabled: true, defaultValue: 'false', rollout: { percentage: 30 } });
  });

  it('`enabled: true` with a 25% threshold to false is on for 75%', () => {
    assert.deepEqual(booleanWith(true, threshold(25, false)).rollout, { percentage: 75 });
  });

  it('thresholds share one bucket: 10% → true then 40% → false then else true gives 10 + 60 = 70%', () => {
    assert.deepEqual(booleanWith(true, threshold(40, false, 2), threshold(10, true, 1)).rollout, { percentage: 70 });
  });

  it('a fractional threshold takes whole buckets (0–99 below it): 30.5% is 31%, and 30.2% then 30.5% leaves the second nobody', () => {
    assert.deepEqual(booleanWith(false, threshold(30.5, true)).rollout, { percentage: 31 });
    assert.deepEqual(booleanWith(false, threshold(0.5, true)).rollout, { percentage: 1 });
    assert.deepEqual(booleanWith(false, threshold(30.2, true, 1), threshold(30.5, true, 2)).rollout, { percentage: 31 });
    // The text names the same whole share the state is worked out from.
    assert.deepEqual(booleanWith(false, threshold(0.001, true, 1), segment(['beta'], false, 2)).rollout, {
      rules: 2,
      text: '1% → true; segment beta → false; else false',
    });
  });

  it('a later threshold below an earlier one takes nobody', () => {
    assert.deepEqual(booleanWith(false, threshold(50, true, 1), threshold(20, false, 2)).rollout, { percentage: 50 });
  });

  it('thresholds that all serve false leave it off', () => {
    assert.deepEqual(booleanWith(false, threshold(60, false)), { enabled: false, defaultValue: 'false' });
  });

  it('`enabled: true` with a 100% threshold to false is off: nobody is left to get `enabled`', () => {
    assert.deepEqual(booleanWith(true, threshold(100, false)), { enabled: false, defaultValue: 'false' });
  });

  it('a threshold to true below an earlier one to false takes nobody: 50% → false, 30% → true, else false is off', () => {
    assert.deepEqual(booleanWith(false, threshold(50, false, 1), threshold(30, true, 2)), { enabled: false, defaultValue: 'false' });
  });

  it('a segment to true after thresholds reaching 100% is reached by nobody: off', () => {
    assert.deepEqual(booleanWith(true, threshold(40, false, 1), threshold(100, false, 2), segment(['beta'], true, 3)), {
      enabled: false,
      defaultValue: 'false',
    });
  });

  it('a segment never makes later rollouts unreachable, thresholds reaching 100% do: those after, and `enabled`, are not named', () => {
    const rollouts = [segment(['internal'], false, 1), threshold(40, true, 2), threshold(100, false, 3), segment(['beta'], true, 4)];
    assert.deepEqual(booleanWith(true, ...rollouts), {
      enabled: true,
      defaultValue: 'false',
      rollout: { rules: 3, text: 'segment internal → false; 40% → true; 100% → false' },
    });
  });

  it('a threshold that takes nobody is not named among the rules', () => {
    assert.deepEqual(booleanWith(false, segment(['beta'], true, 1), threshold(50, false, 2), threshold(30, true, 3)).rollout, {
      rules: 2,
      text: 'segment beta → true; 50% → false; else false',
    });
  });

  it('a segment rollout makes it rules, named in rank order, with what everyone else gets', () => {
    assert.deepEqual(booleanWith(false, threshold(5, true, 2), segment(['internal', 'beta'], true, 1)), {
      enabled: true,
      defaultValue: 'false',
      rollout: { rules: 2, text: 'segment internal, beta → true; 5% → true; else false' },
    });
  });

  it('a segment served false while everyone else gets true is still on', () => {
    assert.deepEqual(booleanWith(true, segment(['internal'], false)).rollout, { rules: 1, text: 'segment internal → false; else true' });
  });

  it('without its rollouts (a Flipt before 1.32) only `enabled` is known', () => {
    assert.deepEqual(fliptStatus(boolean(true), undefined), { enabled: true, defaultValue: 'false' });
  });
});

describe('flipt status: variant flags (rules in rank order, else the default variant)', () => {
  const rule = (keys: string[], split: Record<string, number>, rank = 1): FliptRule => ({
    rank,
    segments: keys.map((key) => ({ key })),
    distributions: Object.entries(split).map(([variantKey, rollout]) => ({ variantKey, rollout })),
  });

  it('off serves its default variant (Flipt 1.47 and later), or nothing without one; no rollout', () => {
    assert.deepEqual(fliptStatus(variant(false, 'bm25'), { rules: [rule(['beta'], { learned: 100 })], rollouts: [] }), {
      enabled: false,
      defaultValue: 'bm25',
    });
    assert.deepEqual(fliptStatus(variant(false), { rules: [], rollouts: [] }), { enabled: false });
  });

  it('on without rules: everyone gets the default variant (or none)', () => {
    assert.deepEqual(fliptStatus(variant(true, 'bm25'), { rules: [], rollouts: [] }), {
      enabled: true,
      defaultValue: 'bm25',
      rollout: { text: 'everyone gets bm25' },
    });
    assert.deepEqual(fliptStatus(variant(true), { rules: [], rollouts: [] }).rollout, {
      text: 'everyone gets no variant (the application default)',
    });
  });

  it('on with rules: each rule with its segments and split, in rank order, then the default', () => {
    const rules = [rule(['everyone'], { bm25: 100 }, 2), rule(['beta'], { learned: 10, bm25: 90, unused: 0 }, 1)];
    assert.deepEqual(fliptStatus(variant(true, 'bm25'), { rules, rollouts: [] }).rollout, {
      rules: 2,
      text: 'segment beta: learned 10%, bm25 90%; segment everyone: bm25 100%; else bm25',
    });
  });

  it('a matched rule gives what its split leaves (all of it, without one) to the default variant, not the next rule', () => {
    const rules = [rule(['beta'], { learned: 30 }, 1), rule(['staff'], {}, 2)];
    assert.deepEqual(fliptStatus(variant(true, 'bm25'), { rules, rollouts: [] }).rollout, {
      rules: 2,
      text: 'segment beta: learned 30%, bm25 70%; segment staff: bm25; else bm25',
    });
  });

  it("keeps its text within Jira's 255 characters", () => {
    const rules = Array.from({ length: 40 }, (_, i) => rule([`segment-number-${i}`], { on: 50, off: 50 }, i));
    const text = fliptStatus(variant(true, 'off'), { rules, rollouts: [] }).rollout?.text ?? '';
    assert.ok(text.length <= 255 && text.endsWith('…'), text);
  });
});
