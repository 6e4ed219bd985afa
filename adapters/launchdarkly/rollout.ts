import { cutText, type Rollout } from '../../src/kit';
import type { LdFlag, LdVariationOrRollout } from './codecs';

/** Rollout weights are in thousandths of a percent: 100000 = 100%. */
const FULL_WEIGHT = 100_000;
const MAX_TEXT = 255;

/** Tells whether the variation at an index counts as "on" for percentages. */
export type OnVariation = (index: number) => boolean;

/**
 * Share (0..100) of contexts that a fixed variation or a rollout serves an "on" variation, or undefined when the
 * flag serves neither (malformed; the SDK would return the application's default).
 */
export function onShare(served: LdVariationOrRollout | null | undefined, isOn: OnVariation): number | undefined {
  // The SDK serves a numeric variation whenever one is given and only then looks at the rollout (a null one it skips).
  if (typeof served?.variation === 'number') return isOn(served.variation) ? 100 : 0;
  const rollout = served?.rollout;
  if (rollout && rollout.variations.length > 0) {
    // The SDK's bucketing: a context's bucket (0 to 100%) gets the first variation whose running sum of weights
    // passes it, so a variation gets only what its weight adds past the highest sum before it (nothing past 100%,
    // nothing for a weight that takes the sum back), and the last listed one gets what no sum reached.
    let sum = 0;
    let reached = 0;
    let on = 0;
    for (const weighted of rollout.variations) {
      sum += weighted.weight;
      const top = Math.min(sum, FULL_WEIGHT);
      if (top <= reached) continue;
      if (isOn(weighted.variation)) on += top - reached;
      reached = top;
    }
    const last = rollout.variations[rollout.variations.length - 1]!;
    if (reached < FULL_WEIGHT && isOn(last.variation)) on += FULL_WEIGHT - reached;
    return Math.round(on) / 1000;
  }
  return undefined;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function targetedContexts(flag: LdFlag): number {
  const keys = new Set<string>();
  for (const target of [...(flag.targets ?? []), ...(flag.contextTargets ?? [])]) {
    for (const value of target.values) keys.add(`${target.contextKind ?? 'user'}:${value}`);
  }
  return keys.size;
}

/**
 * The rollout of a flag whose targeting is on. A single percentage when the default rule alone decides what everyone
 * gets; otherwise the rule count and a short text, because prerequisites, individual targets and rules each change who
 * gets what before the default rule applies.
 */
export function describeRollout(flag: LdFlag, isOn: OnVariation, onLabel: string): Rollout {
  const share = onShare(flag.fallthrough, isOn);
  const rules = flag.rules?.length ?? 0;
  const targeted = targetedContexts(flag);
  const prerequisites = (flag.prerequisites ?? []).map((p) => p.key);
  if (rules === 0 && targeted === 0 && prerequisites.length === 0 && share !== undefined) return { percentage: share };

  const parts: string[] = [];
  if (prerequisites.length > 0) parts.push(`requires ${prerequisites.join(', ')}`);
  if (targeted > 0) parts.push(`${plural(targeted, 'targeted context')}`);
  if (rules > 0) parts.push(plural(rules, 'rule'));
  parts.push(share === undefined ? 'default rule: not set' : `default rule: ${share}% ${onLabel}`);
  const text = parts.join('; ');
  return { rules, text: cutText(text, MAX_TEXT, '…') };
}
