import type { EnvironmentType, FlagEnvironment, NormalizedFlag, Rollout } from './flag';
import type { JiraFeatureFlag, JiraFlagDetail, JiraFlagStatus } from '../jira/payloads';
import { defaultEnvironmentType, environmentRank } from './environment-type';
import { linkIssueKeys, MAX_ISSUE_KEYS, type LinkingOptions } from './issue-keys';

/** A Jira feature flag before it is stamped with an updateSequenceId (and a send time for missing timestamps). */
export type UnstampedFlag = Omit<JiraFeatureFlag, 'updateSequenceId'>;

export interface MappingContext {
  /** Environment name → Jira type from the provider's config; unknown names fall back to defaults by name. */
  readonly environmentTypes: ReadonlyMap<string, EnvironmentType | undefined>;
  readonly linking: LinkingOptions;
}

export type FlagMapping =
  | { readonly kind: 'mapped'; readonly id: string; readonly flag: UnstampedFlag; readonly issueKeys: readonly string[]; readonly warnings: readonly string[] }
  | { readonly kind: 'unlinked'; readonly id: string }
  | { readonly kind: 'skipped'; readonly id: string; readonly reason: string };

const MAX_TEXT = 255;
const MAX_URL = 2000;

/** Stable across runs and unique across providers. */
export function jiraFlagId(provider: string, key: string): string {
  return `${provider}:${key}`;
}

function clip(value: string, field: string, warnings: string[]): string {
  if (value.length <= MAX_TEXT) return value;
  warnings.push(`${field} cut to ${MAX_TEXT} characters`);
  return value.slice(0, MAX_TEXT);
}

function isUri(value: string | undefined): value is string {
  if (value === undefined || value.length > MAX_URL) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

function mapRollout(rollout: Rollout | undefined, where: string, warnings: string[]): JiraFlagStatus['rollout'] {
  if (rollout === undefined) return undefined;
  // Jira reads percentage, then text, then rules; send the one that describes the rollout best.
  if (rollout.percentage !== undefined) {
    if (Number.isFinite(rollout.percentage) && rollout.percentage >= 0 && rollout.percentage <= 100) {
      return { percentage: Math.round(rollout.percentage * 100) / 100 };
    }
    warnings.push(`${where}: rollout percentage ${String(rollout.percentage)} is outside 0..100, left out`);
  }
  if (rollout.text !== undefined && rollout.text !== '') return { text: clip(rollout.text, `${where}: rollout text`, warnings) };
  if (rollout.rules !== undefined && Number.isInteger(rollout.rules) && rollout.rules >= 0) return { rules: rollout.rules };
  return undefined;
}

function mapStatus(env: FlagEnvironment, where: string, warnings: string[]): JiraFlagStatus {
  const rollout = mapRollout(env.rollout, where, warnings);
  return {
    enabled: env.enabled,
    ...(env.defaultValue !== undefined ? { defaultValue: clip(env.defaultValue, `${where}: defaultValue`, warnings) } : {}),
    ...(rollout !== undefined ? { rollout } : {}),
  };
}

function typeOf(env: FlagEnvironment, ctx: MappingContext): EnvironmentType | undefined {
  return ctx.environmentTypes.has(env.name) ? ctx.environmentTypes.get(env.name) : defaultEnvironmentType(env.name);
}

function latest(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/** Normalized flag → Jira feature flag. Pure; warnings name what was trimmed. */
export function toJiraFlag(flag: NormalizedFlag, ctx: MappingContext): FlagMapping {
  const id = jiraFlagId(flag.provider, flag.key);
  const warnings: string[] = [];
  const link = linkIssueKeys(flag, ctx.linking);
  for (const bad of link.invalid) warnings.push(`"${bad}" is not a Jira issue key, ignored`);
  if (link.keys.length === 0) return { kind: 'unlinked', id };
  if (link.found > MAX_ISSUE_KEYS) warnings.push(`${link.found} issue keys found, only the first ${MAX_ISSUE_KEYS} are sent`);
  if (id.length > MAX_TEXT) return { kind: 'skipped', id, reason: `id longer than ${MAX_TEXT} characters` };
  if (flag.environments.length === 0) return { kind: 'skipped', id, reason: 'no environments' };

  const details: JiraFlagDetail[] = [];
  const seen = new Set<string>();
  for (const env of flag.environments) {
    const where = `environment ${env.name}`;
    if (seen.has(env.name)) {
      warnings.push(`${where} appears twice, second left out`);
      continue;
    }
    seen.add(env.name);
    const url = isUri(env.url) ? env.url : flag.url;
    if (!isUri(url)) return { kind: 'skipped', id, reason: `${where} has no valid URL (Jira requires one)` };
    const type = typeOf(env, ctx);
    details.push({
      url,
      // Filled with the send time by the submitter when the source does not know it; left out of the hash so
      // an unknown time never looks like a change.
      lastUpdated: env.lastUpdated ?? flag.lastUpdated ?? '',
      environment: { name: clip(env.name, `${where}: name`, warnings), ...(type !== undefined ? { type } : {}) },
      status: mapStatus(env, where, warnings),
    });
  }

  const ranked = [...details].sort(
    (a, b) => (b.environment.type ? environmentRank[b.environment.type] : 0) - (a.environment.type ? environmentRank[a.environment.type] : 0),
  );
  const lead = ranked[0]!;
  const production = details.filter((d) => d.environment.type === 'production');
  const enabled = production.length > 0 ? production.some((d) => d.status.enabled) : lead.status.enabled;
  const summaryUrl = isUri(flag.url) ? flag.url : lead.url;
  const lastUpdated = details.reduce<string | undefined>((acc, d) => latest(acc, d.lastUpdated || undefined), flag.lastUpdated) ?? '';

  const jiraFlag: UnstampedFlag = {
    id,
    key: clip(flag.key, 'key', warnings),
    ...(flag.name !== undefined && flag.name !== '' ? { displayName: clip(flag.name, 'name', warnings) } : {}),
    associations: [{ associationType: 'issueIdOrKeys', values: link.keys }],
    summary: { url: summaryUrl, status: { ...lead.status, enabled }, lastUpdated },
    details,
  };
  return { kind: 'mapped', id, flag: jiraFlag, issueKeys: link.keys, warnings };
}

/** Stamps sequence id and fills unknown timestamps with the send time. */
export function stampFlag(flag: UnstampedFlag, updateSequenceId: number, nowIso: string): JiraFeatureFlag {
  return {
    ...flag,
    updateSequenceId,
    summary: { ...flag.summary, lastUpdated: flag.summary.lastUpdated || nowIso },
    details: flag.details.map((d) => (d.lastUpdated ? d : { ...d, lastUpdated: nowIso })),
  };
}
