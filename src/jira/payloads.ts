/**
 * Jira DevOps payload types, as the API documents them (see schemas/jira and ../shared/jira-api/FACTS.md).
 * Only the core's mapping code builds these; adapters never see them.
 */
import type { EnvironmentType } from '../model/flag';

export interface IssueAssociation {
  readonly associationType: 'issueIdOrKeys' | 'issueKeys';
  readonly values: readonly string[];
}

export interface JiraFlagStatus {
  readonly enabled: boolean;
  readonly defaultValue?: string;
  readonly rollout?: { readonly percentage?: number; readonly text?: string; readonly rules?: number };
}

export interface JiraFlagDetail {
  readonly url: string;
  readonly lastUpdated: string;
  readonly environment: { readonly name: string; readonly type?: EnvironmentType };
  readonly status: JiraFlagStatus;
}

export interface JiraFeatureFlag {
  readonly schemaVersion?: '1.0';
  readonly id: string;
  readonly key: string;
  readonly updateSequenceId: number;
  readonly displayName?: string;
  readonly associations: readonly IssueAssociation[];
  readonly summary: { readonly url?: string; readonly status: JiraFlagStatus; readonly lastUpdated: string };
  readonly details: readonly JiraFlagDetail[];
}
