import type { FlagEnvironment, SkippedFlag } from '../../src/kit';
import type { LdFlag, RestFlag } from './codecs';
import { describeRollout, type OnVariation } from './rollout';

/** Everything the mapping needs besides the payloads; plain data so the mapping stays pure. */
export interface MapSettings {
  readonly provider: string;
  readonly projectKey: string;
  readonly uiBaseUrl: string;
  /** Per flag key, the variation values that count as "on" (multivariate flags). */
  readonly onValues: Readonly<Record<string, readonly unknown[]>>;
  /** Custom property (REST API) whose values are Jira issue keys. */
  readonly issueKeysProperty?: string;
}

/** The flags one environment's SDK key sees. */
export interface EnvironmentFlags {
  /** Environment name from config (what the core maps to a Jira environment type). */
  readonly name: string;
  /** Environment key in LaunchDarkly (for links and REST data). */
  readonly key: string;
  readonly flags: readonly LdFlag[];
  /** Flags listed in this environment whose configuration could not be read. */
  readonly skipped?: readonly SkippedFlag[];
}

/** Flag variation values become text: strings as they are, everything else as JSON ("true", "42", '{"a":1}'). */
export function valueText(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function isBooleanFlag(flag: LdFlag): boolean {
  const variations = flag.variations ?? [];
  return variations.length > 0 && variations.every((v) => typeof v === 'boolean');
}

/**
 * Which variations mean "on": `true` for boolean flags; the configured values for a multivariate flag; otherwise
 * every variation except the one served while the flag is off.
 */
export function onVariation(flag: LdFlag, onValues: MapSettings['onValues']): OnVariation {
  const variations = flag.variations ?? [];
  const inRange = (i: number) => Number.isInteger(i) && i >= 0 && i < variations.length;
  const configured = configuredOnValues(flag, onValues);
  if (configured !== undefined) {
    const wanted = new Set(configured.map((v) => JSON.stringify(v)));
    return (i) => inRange(i) && wanted.has(JSON.stringify(variations[i]));
  }
  if (isBooleanFlag(flag)) return (i) => variations[i] === true;
  return (i) => inRange(i) && i !== flag.offVariation;
}

// Own keys only: a flag keyed `constructor` must not find the function every object inherits.
function configuredOnValues(flag: LdFlag, onValues: MapSettings['onValues']): readonly unknown[] | undefined {
  return Object.prototype.hasOwnProperty.call(onValues, flag.key) ? onValues[flag.key] : undefined;
}

/**
 * What a rollout's percentage counts, as its text names it: the one value configured as "on" (`false` for a kill
 * switch, `treatment`), `true` for a boolean flag, otherwise "on".
 */
function onLabel(flag: LdFlag, onValues: MapSettings['onValues']): string {
  const configured = configuredOnValues(flag, onValues);
  if (configured !== undefined) return configured.length === 1 ? (valueText(configured[0]) ?? 'on') : 'on';
  return isBooleanFlag(flag) ? 'true' : 'on';
}

/** `{uiBaseUrl}/projects/{projectKey}/flags/`, worked out once per settings rather than once per link. */
const linkPrefixes = new WeakMap<MapSettings, string>();

function linkPrefix(settings: MapSettings): string {
  let prefix = linkPrefixes.get(settings);
  if (prefix === undefined) {
    prefix = `${settings.uiBaseUrl.replace(/\/+$/, '')}/projects/${encodeURIComponent(settings.projectKey)}/flags/`;
    linkPrefixes.set(settings, prefix);
  }
  return prefix;
}

// Links are joined, not concatenated: `+` and templates leave each link a rope of its pieces, several times the
// memory of the flat string (five links a flag at four environments, held until the run ends).
export function flagUrl(key: string, settings: MapSettings): string {
  return [linkPrefix(settings), encodeURIComponent(key)].join('');
}

export function environmentUrl(key: string, envKey: string, settings: MapSettings): string {
  return [linkPrefix(settings), encodeURIComponent(key), '/targeting?env=', encodeURIComponent(envKey)].join('');
}

function isoFromMillis(ms: number | null | undefined): string | undefined {
  return typeof ms === 'number' && Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * One environment's state of one flag. Off → disabled; on → a rollout; defaultValue is always the off value. A flag
 * whose prerequisite cannot be met there (`unmetPrerequisite`, see join.ts) serves its off value to everyone: off.
 */
export function normalizeFlagEnvironment(
  flag: LdFlag,
  env: Omit<EnvironmentFlags, 'flags'>,
  settings: MapSettings,
  meta?: RestFlag,
  unmetPrerequisite?: string,
): FlagEnvironment {
  const offIndex = flag.offVariation;
  const defaultValue = typeof offIndex === 'number' ? valueText((flag.variations ?? [])[offIndex]) : undefined;
  const enabled = flag.on === true && unmetPrerequisite === undefined;
  const lastUpdated = isoFromMillis(meta?.environments?.[env.key]?.lastModified);
  // Keys added one by one in this order: spreading into a literal gave each detail a hidden class of its own.
  const detail: Writable<FlagEnvironment> = { name: env.name, enabled, url: environmentUrl(flag.key, env.key, settings) };
  if (defaultValue !== undefined) detail.defaultValue = defaultValue;
  if (lastUpdated !== undefined) detail.lastUpdated = lastUpdated;
  if (enabled) detail.rollout = describeRollout(flag, onVariation(flag, settings.onValues), onLabel(flag, settings.onValues));
  return detail;
}

export function tagsOf(flag: Pick<LdFlag, 'tags'> | undefined, meta: RestFlag | undefined): string[] {
  const tags = [...(meta?.tags ?? flag?.tags ?? [])];
  const maintainer = meta?._maintainer;
  const who = maintainer?.email ?? [maintainer?.firstName, maintainer?.lastName].filter(Boolean).join(' ');
  if (who) tags.push(`maintainer:${who}`);
  return [...new Set(tags)];
}

export function issueKeysOf(meta: RestFlag | undefined, settings: MapSettings): string[] {
  if (settings.issueKeysProperty === undefined) return [];
  const values = meta?.customProperties?.[settings.issueKeysProperty]?.value ?? [];
  return [...new Set(values.map((v) => v.trim()).filter((v) => v.length > 0))];
}
