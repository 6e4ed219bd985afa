import type { SkippedFlag } from '../kit/contract';
import type { NormalizedFlag, EnvironmentType } from '../kit/flag';
import {
  FlagKeptAsJson,
  jiraFlagId,
  toJiraFlag,
  type FlagJson,
  type UnstampedFlag,
  type UnstampedFlagWithTimes,
} from '../model/to-jira-flag';
import type { LinkingOptions } from '../model/issue-keys';
import type { DesiredEntity, ProviderDesired } from './desired';
import { fieldTextHash, packFieldHashes, type FieldHashes } from './field-hashes';
import { contentHash, textHash } from './hash';

export interface FlagMappingSettings {
  readonly provider: string;
  readonly linking: LinkingOptions;
  readonly environmentTypes: ReadonlyMap<string, EnvironmentType | undefined>;
  /** Jira `properties` sent with the flags: a change must reach flags already in Jira (cleanup by property). */
  readonly properties?: Readonly<Record<string, string>>;
}

/**
 * Bump whenever the normalized-flag → Jira mapping changes what it produces (src/model/to-jira-flag.ts,
 * issue-keys.ts, environment-type.ts): flags whose source did not change are otherwise not mapped again.
 */
export const MAPPING_VERSION = 3;

/** Everything besides the flag itself that decides what the flag becomes in Jira. */
export function mappingSeed(settings: FlagMappingSettings): string {
  return JSON.stringify([
    MAPPING_VERSION,
    settings.provider,
    settings.linking,
    [...settings.environmentTypes].sort(),
    propertiesKey(settings),
  ]);
}

function propertiesKey(settings: FlagMappingSettings): string {
  return settings.properties === undefined ? '' : JSON.stringify(Object.entries(settings.properties).sort());
}

/**
 * Fingerprint of one flag's source data under given mapping settings: every field toJiraFlag reads, in a fixed
 * order, but the times. Times never make a change on their own (the Jira content hash leaves them out too), so a file
 * rewritten with a new mtime but the same flags is recognised here without mapping a single flag. One serialization
 * of the values themselves: no copy of the flag without its times, no field names (an absent field is `null`, which
 * no field holds). A flag whose fingerprint was computed otherwise (before this form) is mapped once and, its Jira
 * form unchanged, only takes the new fingerprint in state (the plan's `refresh`).
 */
function inputFingerprint(seedKey: string, flag: NormalizedFlag): string {
  const { environments } = flag;
  const values: unknown[] = new Array(8 + 5 * environments.length);
  values[0] = seedKey;
  values[1] = flag.provider;
  values[2] = flag.key;
  values[3] = flag.name;
  values[4] = flag.description;
  values[5] = flag.tags;
  values[6] = flag.url;
  values[7] = flag.issueKeys;
  let at = 8;
  let typed = false;
  for (const env of environments) {
    values[at++] = env.name;
    values[at++] = env.enabled;
    values[at++] = env.defaultValue;
    values[at++] = env.rollout;
    values[at++] = env.url;
    typed ||= env.type !== undefined;
  }
  // Only where an adapter gives types: every other flag keeps the fingerprint it has in state.
  if (typed) values.push(environments.map((env) => env.type ?? null));
  return textHash(JSON.stringify(values));
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

/** UnstampedFlag's keys in the order the mapping builds them (serializedFlag relies on it, and checks). */
const FLAG_KEYS = 'id,key,displayName,associations,summary,details';

/**
 * A Jira flag's content hash and its fields' fingerprints (flagFields) from one serialization of each part: the
 * same values as contentHash and fieldHashesOf, which would serialize every part twice. Undefined when the flag is not
 * of the shape assembled here (then those run).
 */
function hashedFlag(flag: UnstampedFlag, sentWith: string): { hash: string; fieldHashes: FieldHashes; json: FlagJson } | undefined {
  if (Object.keys(flag).join(',') !== FLAG_KEYS) return undefined;
  const id = JSON.stringify(flag.id) as string | undefined;
  const key = JSON.stringify(flag.key) as string | undefined;
  const displayName = JSON.stringify(flag.displayName) as string | undefined;
  const associations = JSON.stringify(flag.associations) as string | undefined;
  const summary = JSON.stringify(flag.summary) as string | undefined;
  if (id === undefined || key === undefined || displayName === undefined || associations === undefined || summary === undefined)
    return undefined;
  const names = ['key', 'displayName', 'issueKeys', 'summary'];
  const hashes = [fieldTextHash(key), fieldTextHash(displayName), fieldTextHash(associations), fieldTextHash(summary)];
  let text = `{"id":${id},"key":${key},"displayName":${displayName},"associations":`;
  const at = [text.length, text.length + associations.length];
  text += `${associations},"summary":${summary}`;
  at.push(text.length - 1);
  text += ',"details":[';
  for (const [i, detail] of flag.details.entries()) {
    const json = JSON.stringify(detail);
    text += i === 0 ? json : `,${json}`;
    at.push(text.length - 1);
    names.push(`env:${detail.environment.name}`);
    hashes.push(fieldTextHash(json));
  }
  text += ']}';
  return {
    hash: textHash(sentWith === '' ? text : `[${JSON.stringify(sentWith)},${text}]`),
    fieldHashes: packFieldHashes(names, hashes),
    json: { text, at },
  };
}

/**
 * A provider's complete snapshot → the Jira feature flags it wants, with per-flag warnings.
 *
 * `acceptedInput(id)` gives the source fingerprint of what Jira last accepted for a flag. A flag whose source data
 * and mapping settings are unchanged is recognised by that fingerprint alone: one serialization instead of mapping
 * and serializing its Jira form, which is what keeps a steady-state plan of 100k flags fast.
 */
export function desiredFlags(
  flags: readonly NormalizedFlag[],
  settings: FlagMappingSettings,
  acceptedInput: (id: string) => string | undefined = () => undefined,
  skipped: readonly SkippedFlag[] = [],
): ProviderDesired<UnstampedFlagWithTimes> & { ok: true } {
  const seedKey = textHash(mappingSeed(settings));
  const sentWith = propertiesKey(settings);
  const entities: DesiredEntity<UnstampedFlagWithTimes>[] = [];
  const unchanged: string[] = [];
  const keep = new Set<string>();
  const warnings: string[] = [];
  const ids = new Set<string>();
  const unlinkedIds: string[] = [];
  for (const { key, reason } of skipped) {
    const id = jiraFlagId(settings.provider, key);
    warnings.push(`flag ${id}: skipped, the source's data could not be used: ${reason}`);
    keep.add(id);
  }
  for (const flag of flags) {
    const id = jiraFlagId(settings.provider, flag.key);
    if (ids.has(id)) {
      warnings.push(`flag ${id}: appears twice in the snapshot, second copy ignored`);
      continue;
    }
    ids.add(id);
    const inputHash = inputFingerprint(seedKey, flag);
    if (acceptedInput(id) === inputHash) {
      unchanged.push(id);
      continue;
    }
    const mapping = toJiraFlag(flag, settings);
    if (mapping.kind === 'unlinked') {
      unlinkedIds.push(mapping.id);
      continue;
    }
    if (mapping.kind === 'skipped') {
      warnings.push(`flag ${mapping.id}: skipped: ${mapping.reason}`);
      keep.add(mapping.id);
      continue;
    }
    for (const w of mapping.warnings) warnings.push(`flag ${mapping.id}: ${w}`);
    const jiraFlag = mapping.flag;
    const hashed = hashedFlag(jiraFlag, sentWith);
    // Kept as its JSON when hashing made it: the flag's objects (some twenty a flag) would live until it is sent.
    const payload: UnstampedFlagWithTimes =
      hashed === undefined ? { flag: jiraFlag, times: mapping.times } : new FlagKeptAsJson(mapping.id, hashed.json, mapping.times);
    entities.push({
      kind: 'featureflags',
      id: mapping.id,
      provider: settings.provider,
      // Times are not part of the flag: only real changes change the hash.
      hash: hashed?.hash ?? (sentWith === '' ? contentHash(jiraFlag) : contentHash([sentWith, jiraFlag])),
      payload,
      issueKeys: mapping.issueKeys,
      inputHash,
      fields: () => flagFields(payload.flag),
      ...(hashed !== undefined && { fieldHashes: hashed.fieldHashes }),
    });
  }
  return {
    provider: settings.provider,
    ok: true,
    entities,
    keep,
    unchanged,
    seen: flags.length + skipped.length,
    unlinked: unlinkedIds.length,
    unlinkedIds,
    warnings,
  };
}
