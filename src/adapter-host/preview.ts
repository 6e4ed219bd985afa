import type { JiraFeatureFlag } from '../jira/payloads';
import type { EnvironmentType, NormalizedFlag } from '../kit/flag';
import { DEFAULT_LINKING, type LinkingOptions } from '../model/issue-keys';
import { stampFlag, toJiraFlag } from '../model/to-jira-flag';
import { schemaProblems } from '../simulator/validate';

/**
 * What a snapshot becomes in Jira, without sending anything: the core's own mapping (linking, environment types,
 * clipping), stamped like a real send, then checked against Jira's feature-flag schemas. Shared by
 * `flagsync adapter check` and the contract kit so both judge an adapter exactly as a run would.
 */
export interface PreviewSettings {
  readonly environmentTypes: ReadonlyMap<string, EnvironmentType | undefined>;
  readonly linking?: LinkingOptions;
  /** Send time for timestamps the source does not know (default: now). */
  readonly nowIso?: string;
}

export interface PreviewEntity {
  readonly id: string;
  readonly key: string;
  readonly issueKeys: readonly string[];
  readonly flag: JiraFeatureFlag;
  readonly warnings: readonly string[];
  /** Problems Jira's schemas find in the entity (`flags[0].details[0].url: …`); empty when it would be accepted. */
  readonly problems: readonly string[];
}

export interface SnapshotPreview {
  readonly entities: readonly PreviewEntity[];
  /** Flags without any issue key: never sent. */
  readonly unlinked: readonly { readonly id: string; readonly key: string }[];
  /** Flags the core would not send (and would not delete), with the reason. */
  readonly skipped: readonly PreviewSkipped[];
}

export interface PreviewSkipped {
  readonly id: string;
  readonly key: string;
  readonly reason: string;
  /** Skipped for want of a link the adapter (or its config) should give. */
  readonly noLink?: true;
}

const SCHEMAS = ['featureflags.submit.request.schema.json', 'featureflags.strict.schema.json'];

export function previewSnapshot(flags: readonly NormalizedFlag[], settings: PreviewSettings): SnapshotPreview {
  const ctx = { environmentTypes: settings.environmentTypes, linking: settings.linking ?? DEFAULT_LINKING };
  const nowIso = settings.nowIso ?? new Date().toISOString();
  const entities: PreviewEntity[] = [];
  const unlinked: { id: string; key: string }[] = [];
  const skipped: PreviewSkipped[] = [];
  flags.forEach((normalized, i) => {
    const mapping = toJiraFlag(normalized, ctx);
    if (mapping.kind === 'unlinked') unlinked.push({ id: mapping.id, key: normalized.key });
    else if (mapping.kind === 'skipped')
      skipped.push({ id: mapping.id, key: normalized.key, reason: mapping.reason, ...(mapping.noLink === true && { noLink: true }) });
    else {
      // A sequence id from the send time, as the submitter would stamp it.
      const flag = stampFlag({ flag: mapping.flag, times: mapping.times }, Date.parse(nowIso) + i, nowIso);
      const problems = schemaProblems({ flags: [flag] }, SCHEMAS).map((p) => p.replace(/^flags\[0\]\.?/, ''));
      entities.push({ id: mapping.id, key: normalized.key, issueKeys: mapping.issueKeys, flag, warnings: mapping.warnings, problems });
    }
  });
  return { entities, unlinked, skipped };
}
