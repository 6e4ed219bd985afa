import type { Rollout } from '../../src/kit';
import type { FlagdFlag } from './codecs';
import { FlagdFileError } from './errors';

/**
 * How an ENABLED flagd flag rolls out, as Jira shows it: one percentage when the "on" share is known exactly,
 * else a rule count and a short text. Pure; see README.md "Mapping" for the table this implements.
 */
const MAX_TEXT = 255;

type IsOn = (variant: string) => boolean;

interface Bucket {
  readonly variant: string;
  /** undefined: a JSONLogic expression (e.g. a ramp over `$flagd.timestamp`), known only when evaluated. */
  readonly weight: number | undefined;
}

const COMPUTED_SPLIT = 'fractional split (computed weights)';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const round2 = (n: number) => Math.round(n * 100) / 100;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Boolean flags: variants whose value is true. Other flags: the configured `onVariants`, if the flag has any. */
export function onVariantPredicate(flag: FlagdFlag, onVariants: readonly string[] | undefined): IsOn | undefined {
  const values = Object.values(flag.variants);
  if (values.length > 0 && values.every((v) => typeof v === 'boolean')) return (name) => flag.variants[name] === true;
  if (onVariants !== undefined && onVariants.some((name) => name in flag.variants)) return (name) => onVariants.includes(name);
  return undefined;
}

/** The single operator of a JSONLogic node (`{"if": [...]}` → ["if", [...]]), if it is one. */
function operatorOf(logic: unknown): [string, unknown] | undefined {
  if (!isRecord(logic)) return undefined;
  const keys = Object.keys(logic);
  return keys.length === 1 ? [keys[0]!, logic[keys[0]!]] : undefined;
}

/**
 * Buckets of a `fractional` operation, or undefined when they cannot be known without evaluating (a bucket whose
 * variant is itself an expression). The first argument may be a bucketing expression rather than a bucket.
 */
function fractionalBuckets(flagKey: string, flag: FlagdFlag, args: unknown): Bucket[] | undefined {
  if (!Array.isArray(args)) return undefined;
  const entries = args.length > 0 && !Array.isArray(args[0]) ? args.slice(1) : args;
  const buckets: Bucket[] = [];
  for (const entry of entries) {
    if (!Array.isArray(entry) || entry.length < 1 || entry.length > 2) return undefined;
    const [variant, weight = 1] = entry as unknown[];
    if (typeof variant !== 'string' && typeof variant !== 'number' && typeof variant !== 'boolean') return undefined;
    const name = String(variant);
    if (!(name in flag.variants)) {
      throw new FlagdFileError([
        `flags.${flagKey}.targeting: fractional bucket names ${JSON.stringify(name)}, which is not a variant of the flag`,
      ]);
    }
    // flagd clamps negative weights to 0 and defaults a missing weight to 1.
    buckets.push({ variant: name, weight: typeof weight === 'number' ? Math.max(0, weight) : undefined });
  }
  return buckets;
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

function onPercentage(buckets: readonly Bucket[], isOn: IsOn): number | undefined {
  const known = knownWeights(buckets);
  if (known === undefined) return undefined;
  const total = known.reduce((sum, b) => sum + b.weight, 0);
  if (total === 0) return undefined;
  return round2((known.filter((b) => isOn(b.variant)).reduce((sum, b) => sum + b.weight, 0) / total) * 100);
}

function describeFractional(flagKey: string, flag: FlagdFlag, args: unknown, isOn: IsOn | undefined): string {
  const buckets = fractionalBuckets(flagKey, flag, args);
  if (buckets === undefined) return 'fractional split';
  const known = knownWeights(buckets);
  if (known === undefined) return COMPUTED_SPLIT;
  const on = isOn === undefined ? undefined : onPercentage(buckets, isOn);
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
function summarize(flagKey: string, flag: FlagdFlag, logic: unknown, isOn: IsOn | undefined, acc: RuleSummary, top: boolean): void {
  const op = operatorOf(logic);
  if (op === undefined) return;
  const [name, args] = op;
  if (name === 'fractional') {
    acc.parts.push(describeFractional(flagKey, flag, args, isOn));
    return;
  }
  if (name !== 'if' || !Array.isArray(args)) {
    // Any other expression computes the variant name from the evaluation context: one rule.
    acc.rules += 1;
    return;
  }
  acc.rules += Math.floor(args.length / 2);
  args.forEach((arg, i) => {
    const isResult = i % 2 === 1 || i === args.length - 1;
    if (isResult && i > 0) summarize(flagKey, flag, arg, isOn, acc, false);
  });
  const fallback: unknown = args.length % 2 === 1 ? args[args.length - 1] : undefined;
  if (top && typeof fallback === 'string' && args.length > 1) acc.parts.push(`else ${fallback}`);
}

const clip = (text: string) => (text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT - 1)}…`);

/** No targeting (absent, null or `{}`) means the default variant is served to everyone. */
export function hasTargeting(flag: FlagdFlag): boolean {
  return isRecord(flag.targeting) ? Object.keys(flag.targeting).length > 0 : flag.targeting !== undefined && flag.targeting !== null;
}

/** Rollout of an ENABLED flag (DISABLED flags have none). */
export function describeRollout(flagKey: string, flag: FlagdFlag, onVariants?: readonly string[]): Rollout | undefined {
  const isOn = onVariantPredicate(flag, onVariants);
  const defaultVariant = flag.defaultVariant ?? undefined;
  if (!hasTargeting(flag)) {
    if (defaultVariant === undefined) return { text: 'everyone gets the application default' };
    return isOn !== undefined ? { percentage: isOn(defaultVariant) ? 100 : 0 } : { text: clip(`everyone gets ${defaultVariant}`) };
  }
  const op = operatorOf(flag.targeting);
  if (op !== undefined && op[0] === 'fractional') {
    const buckets = fractionalBuckets(flagKey, flag, op[1]);
    const percentage = buckets === undefined || isOn === undefined ? undefined : onPercentage(buckets, isOn);
    if (percentage !== undefined) return { percentage };
    return { rules: 1, text: clip(describeFractional(flagKey, flag, op[1], isOn)) };
  }
  const acc: RuleSummary = { rules: 0, parts: [] };
  summarize(flagKey, flag, flag.targeting, isOn, acc, true);
  return { rules: acc.rules, text: clip([plural(acc.rules, 'rule'), ...acc.parts].join('; ')) };
}
