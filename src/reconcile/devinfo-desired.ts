import type { IssueAssociation, JiraBranch, JiraCommit } from '../jira/payloads';
import type { LinkedBranch as DevBranch, LinkedCommit as DevCommit, LinkedRepository as DevRepository } from '../model/devinfo-links';
import { DEVINFO_ID_PATTERN, devinfoIdOf } from '../model/devinfo-id';
import { toRfc3339Utc } from '../model/date-time';
import { MAX_ISSUE_KEYS } from '../model/issue-keys';
import { cleanText, cutText } from '../model/text';
import type { DesiredEntity, ProviderDesired } from './desired';
import { contentHash } from './hash';

/**
 * Development information as the reconciler handles it: one state entity per branch and per commit (ids
 * `<repoId>/branch/<name>`, `<repoId>/commit/<sha>`), so only changed ones are sent and vanished branches deleted;
 * its packer groups them back into repositories (devinfo-pack.ts).
 */
export type Unstamped<T> = Omit<T, 'updateSequenceId'>;
export type UnstampedBranch = Omit<JiraBranch, 'updateSequenceId' | 'lastCommit'> & { readonly lastCommit: Unstamped<JiraCommit> };

export interface RepositoryHeader {
  readonly id: string;
  readonly name: string;
  readonly url: string;
  /** Set when the repository is configured never to fire transitions; not sent as a repository field. */
  readonly transitions?: false;
}

export type DevinfoPayload =
  | { readonly repository: RepositoryHeader; readonly type: 'commit'; readonly jiraId: string; readonly entity: Unstamped<JiraCommit> }
  | { readonly repository: RepositoryHeader; readonly type: 'branch'; readonly jiraId: string; readonly entity: UnstampedBranch };

const MAX_MESSAGE = 1024;

export const devinfoEntityId = (repositoryId: string, type: 'branch' | 'commit', name: string) => `${repositoryId}/${type}/${name}`;

/** Jira's cap on a branch name (schema). */
export const MAX_BRANCH_NAME = 512;

/** A branch's Jira id (src/model/devinfo-id.ts); the delete path derives it the same way. */
export const branchJiraId = devinfoIdOf;

/** Whole characters only, without controls or bidi overrides (a commit message keeps its line breaks). */
function clip(text: string, max: number, multiline = false): string {
  return cutText(cleanText(text, multiline), max, '…');
}

const association = (keys: readonly string[]): IssueAssociation[] => [
  { associationType: 'issueIdOrKeys', values: keys.slice(0, MAX_ISSUE_KEYS) },
];

/** Jira's cap on every URL field (schema). */
export const MAX_URL = 2000;

/** Jira's `format: url` on devinfo links: an absolute URL (any scheme; hosts without dots and private addresses too). */
function isAbsoluteUrl(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(value) && URL.canParse(value);
}

/** Why Jira could not take a link as it is (`URL …`), or undefined. */
function urlProblem(url: string): string | undefined {
  if (url.length > MAX_URL) return `URL longer than ${MAX_URL} characters`;
  if (!isAbsoluteUrl(url)) return `URL ${JSON.stringify(url.slice(0, 80))} is no absolute URL`;
  return undefined;
}

/** Jira's `fileCount`: an int32 of at least 0. */
const MAX_FILE_COUNT = 2 ** 31 - 1;

/**
 * Why Jira could not take a commit as it is, or undefined: an id outside Jira's characters, a URL that is no
 * absolute URL (or over 2000 characters), an author time that is no date-time, a file count that is no count. All
 * are required fields, so such a commit is not sent (it is kept in Jira as it is).
 */
function commitProblem(commit: DevCommit): string | undefined {
  if (!DEVINFO_ID_PATTERN.test(commit.sha)) return `commit id ${JSON.stringify(commit.sha.slice(0, 80))} is not 1-1024 of [A-Za-z0-9~.-_]`;
  const url = urlProblem(commit.url);
  if (url !== undefined) return `commit ${url}`;
  if (toRfc3339Utc(commit.timestamp) === undefined) return `author time ${JSON.stringify(commit.timestamp.slice(0, 40))} is no date-time`;
  if (!Number.isInteger(commit.filesChanged) || commit.filesChanged < 0 || commit.filesChanged > MAX_FILE_COUNT)
    return `file count ${commit.filesChanged} is no whole number from 0 to ${MAX_FILE_COUNT}`;
  return undefined;
}

function jiraCommit(commit: DevCommit): Omit<Unstamped<JiraCommit>, 'associations' | 'issueKeys'> {
  return {
    id: commit.sha,
    message: clip(commit.message, MAX_MESSAGE, true),
    author: { name: clip(commit.authorName, 255), email: clip(commit.authorEmail, 255) },
    fileCount: commit.filesChanged,
    url: commit.url,
    // commitProblem() refused commits whose time does not parse.
    authorTimestamp: toRfc3339Utc(commit.timestamp) ?? commit.timestamp,
    displayId: commit.sha.slice(0, 7),
    hash: commit.sha,
    ...(commit.merge && { flags: ['MERGE_COMMIT' as const] }),
  };
}

function branchPayload(branch: DevBranch): { entity: UnstampedBranch; keys: string[]; nameCut: boolean } {
  const keys = [...new Set([...branch.issueKeys, ...branch.lastCommit.issueKeys])];
  // In this position Jira requires issueKeys on the commit; a tip without keys of its own carries the branch's.
  const tipKeys = branch.lastCommit.issueKeys.length > 0 ? branch.lastCommit.issueKeys : keys;
  return {
    keys,
    nameCut: branch.name.length > MAX_BRANCH_NAME,
    entity: {
      id: branchJiraId(branch.name),
      name: clip(branch.name, MAX_BRANCH_NAME),
      url: branch.url,
      lastCommit: { ...jiraCommit(branch.lastCommit), issueKeys: tipKeys.slice(0, MAX_ISSUE_KEYS) },
      associations: association(keys),
    },
  };
}

function entity(provider: string, id: string, payload: DevinfoPayload, keys: readonly string[]): DesiredEntity<DevinfoPayload> {
  return {
    kind: 'devinfo',
    id,
    provider,
    hash: contentHash(payload),
    payload,
    issueKeys: keys,
    fields: () => ({ ...payload.entity, repository: payload.repository }),
  };
}

/** A provider's complete devinfo snapshot → one desired entity per linked branch and commit. */
export function desiredDevinfo(repositories: readonly DevRepository[], provider: string): ProviderDesired<DevinfoPayload> & { ok: true } {
  const entities: DesiredEntity<DevinfoPayload>[] = [];
  const warnings: string[] = [];
  const seen = new Set<string>();
  // Entities not sent this run for a problem of their own: kept in Jira as they are, never taken for vanished.
  const keep = new Set<string>();
  let count = 0;
  for (const repo of repositories) {
    const repositoryUrl = urlProblem(repo.url);
    if (repositoryUrl !== undefined) {
      warnings.push(`repository ${repo.id}: ${repositoryUrl}; its branches and commits are not sent`);
      for (const c of repo.commits) keep.add(devinfoEntityId(repo.id, 'commit', c.sha));
      for (const b of repo.branches) keep.add(devinfoEntityId(repo.id, 'branch', b.name));
      count += repo.commits.length + repo.branches.length;
      continue;
    }
    const repository: RepositoryHeader = {
      id: repo.id,
      name: clip(repo.name, 255),
      url: repo.url,
      ...(repo.transitions === false && { transitions: false as const }),
    };
    for (const commit of repo.commits) {
      count++;
      const id = devinfoEntityId(repo.id, 'commit', commit.sha);
      if (seen.has(id)) continue;
      seen.add(id);
      const problem = commitProblem(commit);
      if (problem !== undefined) {
        warnings.push(`${id}: ${problem}, not sent`);
        keep.add(id);
        continue;
      }
      const payload: DevinfoPayload = {
        repository,
        type: 'commit',
        jiraId: commit.sha,
        entity: { ...jiraCommit(commit), associations: association(commit.issueKeys) },
      };
      entities.push(entity(provider, id, payload, commit.issueKeys));
    }
    for (const branch of repo.branches) {
      count++;
      const id = devinfoEntityId(repo.id, 'branch', branch.name);
      if (seen.has(id)) {
        warnings.push(`${id}: appears twice, second copy ignored`);
        continue;
      }
      seen.add(id);
      const branchUrl = urlProblem(branch.url);
      const problem = branchUrl !== undefined ? `branch ${branchUrl}` : commitProblem(branch.lastCommit);
      if (problem !== undefined) {
        warnings.push(`${clip(id, 120)}: ${problem}, not sent`);
        keep.add(id);
        continue;
      }
      const { entity: jira, keys, nameCut } = branchPayload(branch);
      if (nameCut) warnings.push(`${clip(id, 120)}: branch name longer than ${MAX_BRANCH_NAME} characters, cut for Jira`);
      entities.push(entity(provider, id, { repository, type: 'branch', jiraId: jira.id, entity: jira }, keys));
    }
  }
  return { provider, ok: true, entities, keep, seen: count, unlinked: 0, warnings };
}
