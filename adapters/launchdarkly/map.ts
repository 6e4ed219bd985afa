import type { FlagEnvironment, NormalizedFlag, SkippedFlag } from '../../src/kit';
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
  const configured = onValues[flag.key];
  if (configured !== undefined) {
    const wanted = new Set(configured.map((v) => JSON.stringify(v)));
    return (i) => inRange(i) && wanted.has(JSON.stringify(variations[i]));
  }
  if (isBooleanFlag(flag)) return (i) => variations[i] === true;
  return (i) => inRange(i) && i !== flag.offVariation;
}

function uiBase(settings: MapSettings): string {
  return `${settings.uiBaseUrl.replace(/\/+$/, '')}/projects/${encodeURIComponent(settings.projectKey)}/flags`;
}

export function flagUrl(key: string, settings: MapSettings): string {
  return `${uiBase(settings)}/${encodeURIComponent(key)}`;
}

export function environmentUrl(key: string, envKey: string, settings: MapSettings): string {
  return `${flagUrl(key, settings)}/targeting?env=${encodeURIComponent(envKey)}`;
}

function isoFromMillis(ms: number | null | undefined): string | undefined {
  return typeof ms === 'number' && Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/** One environment's state of one flag. Off → disabled; on → a rollout; defaultValue is always the off value. */
export function normalizeFlagEnvironment(
  flag: LdFlag,
  env: Omit<EnvironmentFlags, 'flags'>,
  settings: MapSettings,
  meta?: RestFlag,
): FlagEnvironment {
  const offIndex = flag.offVariation;
  const defaultValue = typeof offIndex === 'number' ? valueText((flag.variations ?? [])[offIndex]) : undefined;
  const enabled = flag.on === true;
  const base = {
    name: env.name,
    enabled,
    url: environmentUrl(flag.key, env.key, settings),
    ...(defaultValue !== undefined ? { defaultValue } : {}),
    ...lastUpdatedOf(meta, env.key),
  };
  if (!enabled) return base;
  const label = isBooleanFlag(flag) ? 'true' : 'on';
  return { ...base, rollout: describeRollout(flag, onVariation(flag, settings.onValues), label) };
}

function lastUpdatedOf(meta: RestFlag | undefined, envKey: string): { lastUpdated?: string } {
  const iso = isoFromMillis(meta?.environments?.[envKey]?.lastModified);
  return iso === undefined ? {} : { lastUpdated: iso };
}

function tagsOf(flag: LdFlag | undefined, meta: RestFlag | undefined): string[] {
  const tags = [...(meta?.tags ?? flag?.tags ?? [])];
  const maintainer = meta?._maintainer;
  const who = maintainer?.email ?? [maintainer?.firstName, maintainer?.lastName].filter(Boolean).join(' ');
  if (who) tags.push(`maintainer:${who}`);
  return [...new Set(tags)];
}

function issueKeysOf(meta: RestFlag | undefined, settings: MapSettings): string[] {
  if (settings.issueKeysProperty === undefined) return [];
  const values = meta?.customProperties?.[settings.issueKeysProperty]?.value ?? [];
  return [...new Set(values.map((v) => v.trim()).filter((v) => v.length > 0))];
}

/** Reasons per flag key from every environment; one unreadable environment makes the whole flag unusable. */
function skippedByKey(environments: readonly EnvironmentFlags[]): Map<string, string[]> {
  const reasons = new Map<string, string[]>();
  for (const env of environments) {
    for (const { key, reason } of env.skipped ?? []) {
      const list = reasons.get(key) ?? [];
      list.push(`environment "${env.name}": ${reason}`);
      reasons.set(key, list);
    }
  }
  return reasons;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Why a flag lacks the REST metadata that was read (undefined: it has it, or none was read). Mapped without it, a flag
 * whose only issue link came from it would look unlinked and be deleted in Jira; skipped, Jira keeps it as it was.
 */
function missingMetadata(
  key: string,
  metadata: ReadonlyMap<string, RestFlag> | undefined,
  unusable: ReadonlyMap<string, string> | undefined,
): string | undefined {
  if (metadata === undefined || metadata.has(key)) return undefined;
  const reason = unusable?.get(key);
  return reason === undefined ? 'no REST metadata for this flag' : `REST API metadata unusable: ${reason}`;
}

/**
 * All environments' flags → one NormalizedFlag per flag key (sorted by key). Deleted flags are left out; a flag
 * missing from an environment simply has no detail for it. REST metadata, when given, supplies name, description,
 * tags, maintainer, change times and issue keys from the configured custom property. A flag unreadable in any
 * environment, lacking its REST item (`unusableMetadata` says why, if it failed its codec), or one the mapping fails
 * on, is listed in `skipped` once instead: a partial flag would send wrong data.
 */
export function normalizeLaunchDarklyFlags(
  environments: readonly EnvironmentFlags[],
  metadata: ReadonlyMap<string, RestFlag> | undefined,
  settings: MapSettings,
  unusableMetadata?: ReadonlyMap<string, string>,
): { flags: NormalizedFlag[]; skipped: SkippedFlag[] } {
  const unreadable = skippedByKey(environments);
  const byKey = new Map<string, { flag: LdFlag; envs: { flag: LdFlag; env: EnvironmentFlags }[] }>();
  for (const env of environments) {
    for (const flag of env.flags) {
      if (flag.deleted === true || unreadable.has(flag.key)) continue;
      const entry = byKey.get(flag.key) ?? { flag, envs: [] };
      entry.envs.push({ flag, env });
      byKey.set(flag.key, entry);
    }
  }
  const flags: NormalizedFlag[] = [];
  const skipped: SkippedFlag[] = [...unreadable].map(([key, reasons]) => ({ key, reason: reasons.join('; ') }));
  for (const key of [...byKey.keys()].sort()) {
    const { flag, envs } = byKey.get(key)!;
    const noMetadata = missingMetadata(key, metadata, unusableMetadata);
    if (noMetadata !== undefined) {
      skipped.push({ key, reason: noMetadata });
      continue;
    }
    try {
      flags.push(normalizeFlag(flag, envs, metadata?.get(key), settings));
    } catch (error) {
      skipped.push({ key, reason: `could not be mapped: ${messageOf(error)}` });
    }
  }
  skipped.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { flags, skipped };
}

function normalizeFlag(
  flag: LdFlag,
  perEnvironment: readonly { flag: LdFlag; env: EnvironmentFlags }[],
  meta: RestFlag | undefined,
  settings: MapSettings,
): NormalizedFlag {
  const envs = perEnvironment.map((e) => normalizeFlagEnvironment(e.flag, e.env, settings, meta));
  const key = flag.key;
  const name = meta?.name ?? flag.name ?? undefined;
  const description = meta?.description ?? flag.description ?? undefined;
  const times = envs
    .map((e) => e.lastUpdated)
    .filter((v): v is string => v !== undefined)
    .sort();
  return {
    provider: settings.provider,
    key,
    ...(name ? { name } : {}),
    ...(description ? { description } : {}),
    tags: tagsOf(flag, meta),
    url: flagUrl(key, settings),
    ...(times.length > 0 ? { lastUpdated: times[times.length - 1]! } : {}),
    issueKeys: issueKeysOf(meta, settings),
    environments: envs,
  };
}
