import type { NormalizedFlag, EnvironmentType } from '../model/flag';
import { toJiraFlag, type UnstampedFlag, type UnstampedFlagWithTimes } from '../model/to-jira-flag';
import type { LinkingOptions } from '../model/issue-keys';
import type { DesiredEntity, ProviderDesired } from './desired';
import { contentHash } from './hash';

export interface FlagMappingSettings {
  readonly provider: string;
  readonly linking: LinkingOptions;
  readonly environmentTypes: ReadonlyMap<string, EnvironmentType | undefined>;
}

/** Parts of a flag a plan names when they change. */
function flagFields(flag: UnstampedFlag): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    key: flag.key,
    displayName: flag.displayName,
    issueKeys: flag.associations,
    summary: flag.summary,
  };
  for (const detail of flag.details) fields[`env:${detail.environment.name}`] = detail;
  return fields;
}

/** A provider's complete snapshot → the Jira feature flags it wants, with per-flag warnings. */
export function desiredFlags(flags: readonly NormalizedFlag[], settings: FlagMappingSettings): ProviderDesired & { ok: true } {
  const entities: DesiredEntity<UnstampedFlagWithTimes>[] = [];
  const keep = new Set<string>();
  const warnings: string[] = [];
  const ids = new Set<string>();
  let unlinked = 0;
  for (const flag of flags) {
    const mapping = toJiraFlag(flag, settings);
    if (ids.has(mapping.id)) {
      warnings.push(`flag ${mapping.id}: appears twice in the snapshot, second copy ignored`);
      continue;
    }
    ids.add(mapping.id);
    if (mapping.kind === 'unlinked') {
      unlinked++;
      continue;
    }
    if (mapping.kind === 'skipped') {
      warnings.push(`flag ${mapping.id}: skipped: ${mapping.reason}`);
      keep.add(mapping.id);
      continue;
    }
    for (const w of mapping.warnings) warnings.push(`flag ${mapping.id}: ${w}`);
    const jiraFlag = mapping.flag;
    entities.push({
      kind: 'featureflags',
      id: mapping.id,
      provider: settings.provider,
      // Times are not part of the flag: only real changes change the hash.
      hash: contentHash(jiraFlag),
      payload: { flag: jiraFlag, times: mapping.times },
      issueKeys: mapping.issueKeys,
      fields: () => flagFields(jiraFlag),
    });
  }
  return { provider: settings.provider, ok: true, entities, keep, seen: flags.length, unlinked, warnings };
}
