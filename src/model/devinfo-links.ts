import type { DevBranch, DevCommit, DevRepository } from '../kit/devinfo';
import { isIssueKey, issueKeysInText } from './issue-keys';

/**
 * Issue-key linking for development information, done by the core as it is for flags: the keys an adapter gives
 * from a dedicated field, plus the keys in branch names and commit messages. Text is matched in upper case only,
 * so "renovate/node-20.x", "release-2025" or "utf-8" in a message invent no keys Jira would reject on every run.
 */
export interface LinkedCommit extends DevCommit {
  readonly issueKeys: readonly string[];
}

export interface LinkedBranch extends DevBranch {
  readonly lastCommit: LinkedCommit;
  readonly issueKeys: readonly string[];
}

export interface LinkedRepository extends DevRepository {
  /** Only branches and commits that carry issue keys; everything else is of no use to Jira. */
  readonly branches: readonly LinkedBranch[];
  readonly commits: readonly LinkedCommit[];
}

function keysOf(explicit: readonly string[] | undefined, text: string): string[] {
  const given = (explicit ?? []).map((k) => k.trim().toUpperCase()).filter(isIssueKey);
  return [...new Set([...given, ...issueKeysInText(text, true)])];
}

const linkCommit = (commit: DevCommit): LinkedCommit => ({ ...commit, issueKeys: keysOf(commit.issueKeys, commit.message) });

export function linkRepository(repository: DevRepository): LinkedRepository {
  const branches: LinkedBranch[] = [];
  for (const branch of repository.branches) {
    const lastCommit = linkCommit(branch.lastCommit);
    const issueKeys = keysOf(branch.issueKeys, branch.name);
    if (issueKeys.length > 0 || lastCommit.issueKeys.length > 0) branches.push({ ...branch, lastCommit, issueKeys });
  }
  const commits = repository.commits.map(linkCommit).filter((c) => c.issueKeys.length > 0);
  return { ...repository, branches, commits };
}
