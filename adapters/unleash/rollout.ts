import { cutText, type Rollout } from '../../src/kit';
import type { UnleashDependencyView, UnleashEnvironmentView, UnleashStrategyView } from './model';

/**
 * Turns an enabled environment's active strategies into a Jira rollout: one percentage when the unconstrained shares
 * decide it (a single one, one of 100%, or all 0%), else a rule count plus short readable text. Pure.
 */
const MAX_TEXT = 255;

/** Strategies whose one parameter is the share of users that get the flag. */
const PERCENTAGE_STRATEGIES: Readonly<Record<string, { readonly param: string; readonly stickiness?: string }>> = {
  flexibleRollout: { param: 'rollout' },
  gradualRolloutUserId: { param: 'percentage', stickiness: 'userId' },
  gradualRolloutSessionId: { param: 'percentage', stickiness: 'sessionId' },
  gradualRolloutRandom: { param: 'percentage', stickiness: 'random' },
};

function parsePercentage(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? Math.min(100, Math.max(0, n)) : undefined;
}

function countOf(value: string | undefined): number {
  return (value ?? '').split(',').filter((v) => v.trim() !== '').length;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** What the strategy itself targets, without constraints/segments/variants. */
function targetText(s: UnleashStrategyView): string {
  const pct = PERCENTAGE_STRATEGIES[s.name];
  if (pct !== undefined) {
    const value = parsePercentage(s.parameters[pct.param]);
    const stickiness = pct.stickiness ?? s.parameters.stickiness ?? 'default';
    return `${value ?? '?'}% of users (${stickiness})`;
  }
  switch (s.name) {
    case 'default':
      return 'everyone';
    case 'userWithId':
      return plural(countOf(s.parameters.userIds), 'targeted user');
    case 'remoteAddress':
      return plural(countOf(s.parameters.IPs), 'IP address', 'IP addresses');
    case 'applicationHostname':
      return plural(countOf(s.parameters.hostNames), 'hostname');
    default:
      return `custom strategy ${s.name}`;
  }
}

export function describeStrategy(s: UnleashStrategyView): string {
  const parts = [s.title ? `${s.title}: ${targetText(s)}` : targetText(s)];
  if (s.constraints > 0) parts.push(plural(s.constraints, 'constraint'));
  if (s.segments.length > 0) parts.push(`${s.segments.length === 1 ? 'segment' : 'segments'} ${s.segments.join(', ')}`);
  if (s.variants.length > 0) parts.push(`variants ${s.variants.join(', ')}`);
  return parts.join('; ');
}

/** Whole characters only: a cut through an emoji would send half of it. */
const clip = (text: string): string => cutText(text, MAX_TEXT, '…');

/** The single percentage a lone, unconstrained strategy gives, if it gives one. */
function singlePercentage(s: UnleashStrategyView): number | undefined {
  if (s.constraints > 0 || s.segments.length > 0) return undefined;
  if (s.name === 'default') return 100;
  const pct = PERCENTAGE_STRATEGIES[s.name];
  return pct === undefined ? undefined : parsePercentage(s.parameters[pct.param]);
}

/**
 * Whether a strategy is on for everyone, whoever evaluates: no constraints or segments, and `default`, or a 100% share
 * drawn on something every context has (`random`, or `default` stickiness, which falls back to a random draw). A
 * share sticky on userId or sessionId is off for a context without one.
 */
export function servesEveryone(s: UnleashStrategyView): boolean {
  if (s.constraints > 0 || s.segments.length > 0) return false;
  if (s.name === 'default') return true;
  const pct = PERCENTAGE_STRATEGIES[s.name];
  if (pct === undefined || parsePercentage(s.parameters[pct.param]) !== 100) return false;
  const stickiness = pct.stickiness ?? s.parameters.stickiness ?? 'default';
  return stickiness === 'default' || stickiness === 'random';
}

/**
 * Whether a strategy is on for no one, whoever evaluates: a percentage strategy whose share is 0 (or below). Every SDK
 * requires a share above 0, or a random draw of 1–100 at most the share; constraints and segments only narrow it.
 */
export function servesNobody(s: UnleashStrategyView): boolean {
  if (!Object.prototype.hasOwnProperty.call(PERCENTAGE_STRATEGIES, s.name)) return false;
  return parsePercentage(s.parameters[PERCENTAGE_STRATEGIES[s.name]!.param]) === 0;
}

function describeDependency(d: UnleashDependencyView): string {
  if (!d.enabled) return `${d.feature} off`;
  return d.variants.length > 0 ? `${d.feature} (${d.variants.length === 1 ? 'variant' : 'variants'} ${d.variants.join(', ')})` : d.feature;
}

/** What the strategies alone say; strategies are OR-ed: the flag is on for a user when any of them matches. */
function describeStrategies(strategies: readonly UnleashStrategyView[]): string {
  if (strategies.length === 0) return 'everyone';
  if (strategies.length === 1) return describeStrategy(strategies[0]!);
  return `${strategies.length} strategies: ${strategies.map(describeStrategy).join(' | ')}`;
}

/**
 * The rules and text of the environment's strategies, a release plan's among them (Admin API: the active milestone's
 * strategies are not in the feature document, so what they serve is unknown and only the milestone is named).
 */
function strategiesPart(env: UnleashEnvironmentView): { rules: number; text: string } {
  const { strategies, unlistedStrategies: unlisted } = env;
  if (unlisted === undefined) return { rules: strategies.length, text: describeStrategies(strategies) };
  const plan = unlisted.milestone === undefined ? 'strategies of a release plan' : `release plan milestone ${unlisted.milestone}`;
  const listed = strategies.length === 0 ? '' : ` | ${describeStrategies(strategies)}`;
  return { rules: strategies.length + 1, text: `${plan}${listed}` };
}

/** Undefined for a disabled environment: Jira shows it as off, a rollout would say nothing more. */
export function rolloutOf(env: UnleashEnvironmentView): Rollout | undefined {
  if (!env.enabled) return undefined;
  const strategies = env.strategies;
  const dependencies = env.dependencies ?? [];
  // The SDK answers false whenever a parent is not satisfied, so no percentage holds for a child flag.
  if (dependencies.length > 0) {
    const part = strategiesPart(env);
    return { rules: part.rules, text: clip(`requires ${dependencies.map(describeDependency).join(', ')}; ${part.text}`) };
  }
  if (env.unlistedStrategies !== undefined) {
    const part = strategiesPart(env);
    return { rules: part.rules, text: clip(part.text) };
  }
  // Unleash serves an enabled flag without strategies to everyone.
  if (strategies.length === 0) return { percentage: 100 };
  // Strategies are OR-ed: one unconstrained 100% share (or `default`) serves everyone whatever the others say, and
  // shares of 0 alone serve nobody.
  const shares = strategies.map(singlePercentage);
  if (shares.some((share) => share === 100)) return { percentage: 100 };
  if (shares.every((share) => share === 0)) return { percentage: 0 };
  if (strategies.length === 1 && shares[0] !== undefined) return { percentage: shares[0] };
  return { rules: strategies.length, text: clip(describeStrategies(strategies)) };
}
