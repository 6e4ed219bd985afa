/**
 * Jira DevOps payload types, as the API documents them (schemas/jira holds the JSON Schemas of its published spec).
 * Only the core's mapping code builds these; adapters never see them.
 */
import type { EnvironmentType } from '../kit/flag';

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

/** Optional top-level field of every bulk request, for Atlassian's logging. */
export interface ProviderMetadata {
  readonly product?: string;
}

export interface JiraBuildReference {
  readonly commit?: { readonly id: string; readonly repositoryUri: string };
  readonly ref?: { readonly name: string; readonly uri: string };
}

export interface JiraBuild {
  readonly schemaVersion?: '1.0';
  readonly pipelineId: string;
  readonly buildNumber: number;
  readonly updateSequenceNumber: number;
  readonly displayName: string;
  readonly description?: string;
  readonly label?: string;
  readonly url: string;
  readonly state: 'pending' | 'in_progress' | 'successful' | 'failed' | 'cancelled' | 'unknown';
  readonly lastUpdated: string;
  readonly associations?: readonly IssueAssociation[];
  /** Deprecated by Jira in favour of associations. */
  readonly issueKeys?: readonly string[];
  readonly testInfo?: {
    readonly totalNumber: number;
    readonly numberPassed: number;
    readonly numberFailed: number;
    readonly numberSkipped?: number;
  };
  readonly references?: readonly JiraBuildReference[];
}

export type DeploymentEnvironmentType = 'unmapped' | 'development' | 'testing' | 'staging' | 'production';

/** Deployments may also associate services, commits or repositories, not only issues. */
export type DeploymentAssociation =
  | IssueAssociation
  | { readonly associationType: 'serviceIdOrKeys'; readonly values: readonly string[] }
  | { readonly associationType: 'commit'; readonly values: readonly { readonly commitHash: string; readonly repositoryId: string }[] }
  | { readonly associationType: 'repository'; readonly values: readonly { readonly repositoryId: string }[] };

export interface JiraDeployment {
  readonly schemaVersion?: '1.0';
  readonly deploymentSequenceNumber: number;
  readonly updateSequenceNumber: number;
  readonly displayName: string;
  readonly url: string;
  readonly description: string;
  readonly label?: string;
  readonly duration?: number;
  readonly lastUpdated: string;
  readonly state: 'unknown' | 'pending' | 'in_progress' | 'cancelled' | 'failed' | 'rolled_back' | 'successful';
  readonly pipeline: { readonly id: string; readonly displayName: string; readonly url: string };
  readonly environment: { readonly id: string; readonly displayName: string; readonly type: DeploymentEnvironmentType };
  readonly associations?: readonly DeploymentAssociation[];
  /** Deprecated by Jira in favour of associations. */
  readonly issueKeys?: readonly string[];
  readonly commands?: readonly { readonly command: string }[];
}

export interface JiraDevinfoAuthor {
  readonly email?: string;
  readonly name?: string;
  readonly username?: string;
  readonly url?: string;
  readonly avatar?: string;
}

export interface JiraDevinfoFile {
  readonly path: string;
  readonly url: string;
  readonly changeType: 'ADDED' | 'COPIED' | 'DELETED' | 'MODIFIED' | 'MOVED' | 'UNKNOWN';
  readonly linesAdded: number;
  readonly linesRemoved: number;
}

export interface JiraCommit {
  readonly id: string;
  readonly updateSequenceId: number;
  readonly message: string;
  readonly author: JiraDevinfoAuthor;
  readonly fileCount: number;
  readonly url: string;
  readonly authorTimestamp: string;
  readonly displayId: string;
  readonly flags?: readonly 'MERGE_COMMIT'[];
  readonly files?: readonly JiraDevinfoFile[];
  readonly hash?: string;
  readonly associations?: readonly IssueAssociation[];
  readonly issueKeys?: readonly string[];
}

export interface JiraBranch {
  readonly id: string;
  readonly updateSequenceId: number;
  readonly name: string;
  readonly url: string;
  /** Jira still requires issueKeys on the commit in this position. */
  readonly lastCommit: JiraCommit;
  readonly createPullRequestUrl?: string;
  readonly associations?: readonly IssueAssociation[];
  readonly issueKeys?: readonly string[];
}

export interface JiraPullRequestReviewer {
  readonly approvalStatus?: 'APPROVED' | 'UNAPPROVED';
  readonly email?: string;
  readonly accountId?: string;
  readonly name?: string;
}

export interface JiraPullRequest {
  readonly id: string;
  readonly updateSequenceId: number;
  readonly status: 'OPEN' | 'MERGED' | 'DECLINED' | 'UNKNOWN';
  readonly title: string;
  readonly author: JiraDevinfoAuthor;
  readonly commentCount: number;
  readonly sourceBranch: string;
  readonly sourceBranchUrl?: string;
  readonly destinationBranch?: string;
  readonly destinationBranchUrl?: string;
  readonly lastUpdate: string;
  readonly url: string;
  readonly displayId: string;
  readonly reviewers?: readonly JiraPullRequestReviewer[];
  readonly associations?: readonly IssueAssociation[];
  readonly issueKeys?: readonly string[];
}

/** The unit of a devinfo bulk request: a repository carrying its nested commits, branches and pull requests. */
export interface JiraRepository {
  readonly id: string;
  readonly name: string;
  readonly url: string;
  readonly updateSequenceId: number;
  readonly description?: string;
  readonly forkOf?: string;
  readonly avatar?: string;
  readonly avatarDescription?: string;
  readonly commits?: readonly JiraCommit[];
  readonly branches?: readonly JiraBranch[];
  readonly pullRequests?: readonly JiraPullRequest[];
}
