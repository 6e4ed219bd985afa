import type { NormalizedFlag, EnvironmentType } from '../model/flag';
import { toJiraFlag, type UnstampedFlag } from '../model/to-jira-flag';
import type { LinkingOptions } from '../model/issue-keys';
import type { DesiredEntity, ProviderDesired } from './desired';
import { contentHash } from './hash';

export interface FlagMappingSettings {
  readonly provider: string;
  readonly linking: LinkingOptions;
  readonly environmentTypes: ReadonlyMap<string, EnvironmentType | undefined>;
}

/**
 * What counts as a change: everything but timestamps. A source's time can move without any real change (a flag
 * file's mtime covers every flag in it), and re-sending unchanged flags would spend requests on nothing; when a
 * flag does change, the current times go with it.
 */
function comparable(flag: UnstampedFlag): unknown {
  return {
    ...flag,
    summary: { ...flag.summary, lastUpdated: undefined },
    details: flag.details.map((d) => ({ ...d, lastUpdated: undefined })),
  };
}

/** Parts of a flag a plan names when they change. */
function flagFields(flag: UnstampedFlag): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    key: flag.key,
    displayName: flag.displayName,
    issueKeys: flag.associations,
    summary: { ...flag.summary, lastUpdated: undefined },
  };
  for (const detail of flag.details) fields[`env:${detail.environment.name}`] = { ...detail, lastUpdated: undefined };
  return fields;
}

/** A provider's complete snapshot → the Jira feature flags it wants, with per-flag warnings. */
export function desiredFlags(flags: readonly NormalizedFlag[], settings: FlagMappingSettings): ProviderDesired & { ok: true } {
  const entities: DesiredEntity<UnstampedFlag>[] = [];
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
    const payload = mapping.flag;
    entities.push({
      kind: 'featureflags',
      id: mapping.id,
      provider: settings.provider,
      hash: contentHash(comparable(payload)),
      payload,
      issueKeys: mapping.issueKeys,
      fields: () => flagFields(payload),
    });
  }
  return { provider: settings.provider, ok: true, entities, keep, seen: flags.length, unlinked, warnings };
}
