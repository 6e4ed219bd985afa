import type { Rollout } from '../../src/kit';
import type { FlagdFlag } from './codecs';
import { FlagdFileError } from './errors';

/**
 * How an ENABLED flagd flag rolls out, as Jira shows it: one percentage when the "on" share is known exactly,
 * else a rule count and a short text. Pure; see README.md "Mapping" for the table this implements.
 *
 * It runs for every flag of every environment (400,000 times for 100k flags in 4 files), so it reads the targeting
 * without the lists, closures and pairs a plainer walk would make for each.
 */
const MAX_TEXT = 255;

/** Which variants count as "on": none known, those whose value is true (boolean flags), or `onVariants`. */
type OnRule =
  | { readonly by: 'none' }
  | { readonly by: 'value'; readonly variants: FlagdFlag['variants'] }
  | { readonly by: 'name'; readonly names: readonly string[] };

const NO_ON_RULE: OnRule = { by: 'none' };

interface Bucket {
  readonly variant: string;
  /** undefined: a JSONLogic expression (e.g. a ramp over `$flagd.timestamp`), known only when evaluated. */
  readonly weight: number | undefined;
}

const COMPUTED_SPLIT = 'fractional split (computed weights)';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A variant the flag defines itself: `in` would also find `constructor` and the like on every object. */
const hasVariant = (flag: FlagdFlag, name: string): boolean => Object.prototype.hasOwnProperty.call(flag.variants, name);
const round2 = (n: number) => Math.round(n * 100) / 100;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Boolean flags: variants whose value is true. Other flags: the configured `onVariants`, if the flag has any. */
function onRuleOf(flag: FlagdFlag, onVariants: readonly string[] | undefined): OnRule {
  let any = false;
  let allBoolean = true;
  for (const name in flag.variants) {
    any = true;
    if (typeof flag.variants[name] !== 'boolean') {
      allBoolean = false;
      break;
    }
  }
  if (any && allBoolean) return { by: 'value', variants: flag.variants };
  if (onVariants !== undefined && onVariants.some((name) => hasVariant(flag, name))) return { by: 'name', names: onVariants };
  return NO_ON_RULE;
}

function isOn(rule: OnRule, variant: string): boolean {
  return rule.by === 'value' ? rule.variants[variant] === true : rule.by === 'name' && rule.names.includes(variant);
}

/** The single operator of a JSONLogic node (`{"if": [...]}` → "if"), if it is one. */
function operatorOf(logic: unknown): string | undefined {
  if (!isRecord(logic)) return undefined;
  let operator: string | undefined;
  for (const key in logic) {
    if (operator !== undefined) return undefined;
    operator = key;
  }
  return operator;
}

/** Where the buckets of a `fractional` operation start: the first argument may be a bucketing expression. */
const firstBucket = (args: readonly unknown[]) => (args.length > 0 && !Array.isArray(args[0]) ? 1 : 0);

/**
 * Bucket `i` of a `fractional` operation, or undefined when it cannot be known without evaluating (a bucket whose
 * variant is itself an expression). Throws when it names a variant the flag does not have.
 */
function bucketAt(flagKey: string, flag: FlagdFlag, args: readonly unknown[], i: number): Bucket | undefined {
  const entry: unknown = args[i];
  if (!Array.isArray(entry) || entry.length < 1 || entry.length > 2) return undefined;
  const variant: unknown = entry[0];
  const weight: unknown = entry[1] === undefined ? 1 : entry[1];
  if (typeof variant !== 'string' && typeof variant !== 'number' && typeof variant !== 'boolean') return undefined;
  const name = String(variant);
  if (!hasVariant(flag, name)) {
    throw new FlagdFileError([
      `flags.${flagKey}.targeting: fractional bucket names ${JSON.stringify(name)}, which is not a variant of the flag`,
    ]);
  }
  // flagd counts whole weights (12.5 is 12) and defaults a missing weight to 1; a negative weight counts as 0 here.
  return { variant: name, weight: typeof weight === 'number' ? Math.max(0, Math.trunc(weight)) : undefined };
}

/**
 * The buckets, or undefined when they cannot be known (see bucketAt); every bucket is looked at in order, so a
 * bucket naming no variant is reported as before.
 */
function fractionalBuckets(flagKey: string, flag: FlagdFlag, args: unknown): Bucket[] | undefined {
  if (!Array.isArray(args)) return undefined;
  const buckets: Bucket[] = [];
  for (let i = firstBucket(args); i < args.length; i++) {
    const bucket = bucketAt(flagKey, flag, args, i);
    if (bucket === undefined) return undefined;
    buckets.push(bucket);
  }
  return buckets;
}

/**
 * The share of the "on" buckets of a `fractional` operation, from its arguments directly (no bucket list): the same
 * buckets, checks and sums, in the same order, as fractionalBuckets then onPercentage. Undefined when no share is
 * known (no rule for "on", a bucket not knowable, a computed weight, a total of 0).
 */
function fractionalOnPercentage(flagKey: string, flag: FlagdFlag, args: unknown, rule: OnRule): number | undefined {
  if (rule.by === 'none' || !Array.isArray(args)) return undefined;
  let total = 0;
  let on = 0;
  let computed = false;
  for (let i = firstBucket(args); i < args.length; i++) {
    const bucket = bucketAt(flagKey, flag, args, i);
    if (bucket === undefined) return undefined;
    if (bucket.weight === undefined) computed = true;
    else {
      total += bucket.weight;
      if (isOn(rule, bucket.variant)) on += bucket.weight;
    }
  }
  if (computed || total === 0) return undefined;
  return round2((on / total) * 100);
}

/** The weights, or undefined when any of them is computed: then no share of the split is known. */
function knownWeights(buckets: readonly Bucket[]): { readonly variant: string; readonly weight: number }[] | undefined {
  const known: { variant: string; weight: number }[] = [];
  for (const { variant, weight } of buckets) {
    if (weight === undefined) return undefined;
    known.push({ variant, weight });
  }
  return known;
}

function describeFractional(flagKey: string, flag: FlagdFlag, args: unknown, rule: OnRule): string {
  const buckets = fractionalBuckets(flagKey, flag, args);
  if (buckets === undefined) return 'fractional split';
  const known = knownWeights(buckets);
  if (known === undefined) return COMPUTED_SPLIT;
  const on = fractionalOnPercentage(flagKey, flag, args, rule);
  if (on !== undefined) return `fractional on ${on}%`;
  const total = known.reduce((sum, b) => sum + b.weight, 0);
  if (total === 0) return 'fractional split';
  return `fractional ${known.map((b) => `${b.variant} ${round2((b.weight / total) * 100)}%`).join(', ')}`;
}

interface RuleSummary {
  rules: number;
  readonly parts: string[];
}

/** Counts `if` conditions (nested ones too) and describes fractional splits and the final fallback variant. */
function summarize(flagKey: string, flag: FlagdFlag, logic: unknown, rule: OnRule, acc: RuleSummary, top: boolean): void {
  const name = operatorOf(logic);
  if (name === undefined) return;
  const args = (logic as Record<string, unknown>)[name];
  if (name === 'fractional') {
    acc.parts.push(describeFractional(flagKey, flag, args, rule));
    return;
  }
  if (name !== 'if' || !Array.isArray(args)) {
    // Any other expression computes the variant name from the evaluation context: one rule.
    acc.rules += 1;
    return;
  }
  acc.rules += Math.floor(args.length / 2);
  for (let i = 1; i < args.length; i++) {
    if (i % 2 === 1 || i === args.length - 1) summarize(flagKey, flag, args[i], rule, acc, false);
  }
  const fallback: unknown = args.length % 2 === 1 ? args[args.length - 1] : undefined;
  if (top && typeof fallback === 'string' && args.length > 1) acc.parts.push(`else ${fallback}`);
}

const clip = (text: string) => (text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT - 1)}…`);

/** No targeting (absent, null or `{}`) means the default variant is served to everyone. */
function hasTargeting(flag: FlagdFlag): boolean {
  const targeting = flag.targeting;
  if (!isRecord(targeting)) return targeting !== undefined && targeting !== null;
  for (const _ in targeting) return true;
  return false;
}

/**
 * `{ percentage }` objects, one per value: most flags share a handful of percentages, and a rollout is read-only
 * data (frozen), so flags may share it. Bounded, though two decimals allow only 10,001 values in 0–100.
 */
const percentages = new Map<number, Rollout>();

function percentageRollout(percentage: number): Rollout {
  let rollout = percentages.get(percentage);
  if (rollout === undefined) {
    if (percentages.size >= 20_000) percentages.clear();
    rollout = Object.freeze({ percentage });
    percentages.set(percentage, rollout);
  }
  return rollout;
}

/** The flag's default variant; an empty name counts as unset, as in flagd (the application's default is served). */
export function defaultVariantOf(flag: FlagdFlag): string | undefined {
  return flag.defaultVariant === null || flag.defaultVariant === '' ? undefined : flag.defaultVariant;
}

/** Rollout of an ENABLED flag (DISABLED flags have none). */
export function describeRollout(flagKey: string, flag: FlagdFlag, onVariants?: readonly string[]): Rollout | undefined {
  const rule = onRuleOf(flag, onVariants);
  const defaultVariant = defaultVariantOf(flag);
  const everyoneGetsDefault = (): Rollout => {
    if (defaultVariant === undefined) return { text: 'everyone gets the application default' };
    return rule.by !== 'none' ? percentageRollout(isOn(rule, defaultVariant) ? 100 : 0) : { text: clip(`everyone gets ${defaultVariant}`) };
  };
  if (!hasTargeting(flag)) return everyoneGetsDefault();
  const name = operatorOf(flag.targeting);
  if (name === 'fractional') {
    const args = (flag.targeting as Record<string, unknown>)[name];
    // flagd evaluates a `fractional` of fewer than two arguments (a bucketing key counts) to nothing, which serves
    // the default variant: `{"fractional": [["on", 100]]}` is nobody "on" when the default is "off".
    if (!Array.isArray(args) || args.length < 2) return everyoneGetsDefault();
    const percentage = fractionalOnPercentage(flagKey, flag, args, rule);
    if (percentage !== undefined) return percentageRollout(percentage);
    return { rules: 1, text: clip(describeFractional(flagKey, flag, args, rule)) };
  }
  const acc: RuleSummary = { rules: 0, parts: [] };
  summarize(flagKey, flag, flag.targeting, rule, acc, true);
  return { rules: acc.rules, text: clip([plural(acc.rules, 'rule'), ...acc.parts].join('; ')) };
}
