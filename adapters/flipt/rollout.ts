import { cutText, type Rollout } from '../../src/kit';
import type { FliptFlag, FliptRollout, FliptRule, FliptTargeting } from './codecs';

/** What one environment of a Flipt flag shows in Jira: on or off, the value served while off, how far it reaches. */
export interface FliptStatus {
  readonly enabled: boolean;
  readonly defaultValue?: string;
  readonly rollout?: Rollout;
}

/** Jira's cap on rollout text. */
const MAX_TEXT = 255;

/** Whole characters only: a cut through an emoji would send half of it. */
const clip = (text: string): string => cutText(text, MAX_TEXT, '…');

const byRank = <T extends { readonly rank?: number | null }>(items: readonly T[]): T[] =>
  [...items].sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0));

/** Shares are floats in Flipt (`30.5`): kept to two decimals, within 0–100. */
const share = (n: number): number => Math.min(100, Math.max(0, Math.round(n * 100) / 100));

/** The share a threshold takes: buckets are whole (0–99) and taken below it, so 30.5% takes buckets 0–30, 31 of them. */
const wholeBuckets = (percentage: number | null | undefined): number => Math.ceil(Math.min(100, Math.max(0, percentage ?? 0)));

const segmentsOf = (segments: readonly { readonly key?: string | null }[] | null | undefined): string => {
  const keys = (segments ?? []).map((s) => s.key).filter((k): k is string => typeof k === 'string' && k !== '');
  return keys.length === 0 ? 'a segment' : `segment ${keys.join(', ')}`;
};

/**
 * A boolean flag. Flipt evaluates its rollouts in rank order (a threshold rollout takes the entities whose bucket,
 * 0–99 from the entity id and flag key, is below its percentage; a segment rollout those matching its segments) and
 * serves the flag's `enabled` value to everyone no rollout took. So the flag is on in Jira when anyone gets `true`,
 * and off serves `false`. Thresholds alone give the exact share that gets `true`; a segment makes it a rule count.
 *
 * All thresholds compare the same bucket, so together they cover a growing share: a threshold takes only what is
 * above every earlier one (none when its percentage is not), and once they reach 100% nobody reaches a later rollout
 * or `enabled`. Such rollouts serve nobody: they neither make the flag on nor appear in its rules. A segment matches
 * only some entities as far as flagsync knows (it does not read the constraints), so it never makes a later rollout
 * unreachable.
 */
function booleanStatus(flag: FliptFlag, rollouts: readonly FliptRollout[]): FliptStatus {
  const fallback = flag.enabled;
  if (rollouts.length === 0) return { enabled: fallback, defaultValue: 'false' };
  const ranked = byRank(rollouts);
  // The same bucket is compared with each threshold in turn: the first above it decides.
  let covered = 0;
  let toTrue = 0;
  let segmentToTrue = false;
  const reached: FliptRollout[] = [];
  for (const rollout of ranked) {
    if (covered >= 100) break;
    const { threshold } = rollout;
    if (threshold != null) {
      const percentage = wholeBuckets(threshold.percentage);
      if (percentage <= covered) continue;
      if (threshold.value === true) toTrue += percentage - covered;
      covered = percentage;
    } else if (rollout.segment?.value === true) segmentToTrue = true;
    reached.push(rollout);
  }
  const fallbackReached = covered < 100;
  if (fallback && fallbackReached) toTrue += 100 - covered;
  const servesTrue = toTrue > 0 || segmentToTrue;
  if (!servesTrue) return { enabled: false, defaultValue: 'false' };
  if (reached.every((r) => r.threshold != null)) return { enabled: true, defaultValue: 'false', rollout: { percentage: share(toTrue) } };
  const steps = reached.map((r) =>
    r.threshold != null
      ? `${wholeBuckets(r.threshold.percentage)}% → ${r.threshold.value === true}`
      : `${segmentsOf(r.segment?.segments)} → ${r.segment?.value === true}`,
  );
  const text = clip([...steps, ...(fallbackReached ? [`else ${fallback}`] : [])].join('; '));
  return { enabled: true, defaultValue: 'false', rollout: { rules: reached.length, text } };
}

/** A variant flag's default variant, if it has one. */
function defaultVariantOf(flag: FliptFlag): string | undefined {
  const key = flag.defaultVariant?.key;
  return typeof key === 'string' && key !== '' ? key : undefined;
}

/** What a variant flag serves where nothing else decides: its default variant, or none. */
function otherwiseOf(flag: FliptFlag): string {
  return defaultVariantOf(flag) ?? 'no variant (the application default)';
}

/**
 * One matched rule's variants and shares, e.g. "learned 10%, bm25 90%". Flipt gives what the distributions leave
 * (all of it, without any) the default variant, not the next rule.
 */
function distributionOf(rule: FliptRule, otherwise: string): string {
  const given = (rule.distributions ?? []).filter((d) => (d.rollout ?? 0) > 0);
  const rest = 100 - given.reduce((sum, d) => sum + (d.rollout ?? 0), 0);
  const parts = given.map((d) => `${d.variantKey ?? '?'} ${share(d.rollout ?? 0)}%`);
  if (parts.length === 0) return otherwise;
  return rest >= 0.005 ? [...parts, `${otherwise} ${share(rest)}%`].join(', ') : parts.join(', ');
}

/**
 * A variant flag. Flipt serves its default variant while it is disabled (since 1.47; before, no variant), so that is
 * Jira's default value. Enabled, its rules (in rank order, each for its segments, with a split of variants) decide;
 * whoever no rule matches gets the default variant, or no variant.
 */
function variantStatus(flag: FliptFlag, rules: readonly FliptRule[]): FliptStatus {
  const defaultVariant = defaultVariantOf(flag);
  const served = defaultVariant === undefined ? {} : { defaultValue: defaultVariant };
  if (!flag.enabled) return { enabled: false, ...served };
  const otherwise = otherwiseOf(flag);
  if (rules.length === 0) return { enabled: true, ...served, rollout: { text: clip(`everyone gets ${otherwise}`) } };
  const steps = byRank(rules).map((rule) => `${segmentsOf(rule.segments)}: ${distributionOf(rule, otherwise)}`);
  return { enabled: true, ...served, rollout: { rules: rules.length, text: clip(`${steps.join('; ')}; else ${otherwise}`) } };
}

/**
 * A flag's status in one namespace. Without its targeting (a Flipt before 1.32 has no evaluation snapshot) only the
 * flag's own fields are known: `enabled`, and what a variant flag serves when no rule matches.
 */
export function fliptStatus(flag: FliptFlag, targeting: FliptTargeting | undefined): FliptStatus {
  const isVariant = flag.type === 'VARIANT_FLAG_TYPE';
  if (targeting !== undefined) return isVariant ? variantStatus(flag, targeting.rules) : booleanStatus(flag, targeting.rollouts);
  if (!isVariant) return { enabled: flag.enabled, defaultValue: 'false' };
  const defaultVariant = defaultVariantOf(flag);
  const served = defaultVariant === undefined ? {} : { defaultValue: defaultVariant };
  if (!flag.enabled) return { enabled: false, ...served };
  return { enabled: true, ...served, rollout: { text: clip(`rules not read; else ${otherwiseOf(flag)}`) } };
}
