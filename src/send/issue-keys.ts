import { isIssueKey, issueKeysInText, MAX_ISSUE_KEYS } from '../model/issue-keys';
import { commitMessagesInRange, isGitRange } from './git-range';
import { UsageError } from './usage-error';

export interface IssueKeySources {
  /** --issue-keys as given. */
  readonly explicit: readonly string[];
  readonly branch?: string;
  /** The pull (merge) request's title the CI gives. */
  readonly title?: string;
  /** --commits FROM..TO, read with git in `cwd`. */
  readonly commits?: string;
  readonly cwd: string;
}

export interface FoundIssueKeys {
  readonly keys: readonly string[];
  /** Keys found before capping at Jira's 500; reported, never dropped silently. */
  readonly found: number;
  /** What could not be read (a range git does not know): said, while the keys of the other sources are sent. */
  readonly warnings: readonly string[];
}

/** FROM of a range on a branch's first push: GitHub's `before` and GitLab's CI_COMMIT_BEFORE_SHA, no commit. */
const NO_COMMIT = /^0+\.\./;

/**
 * Issue keys the way the Jenkins plugin finds them, for any CI: explicit keys, then the branch name, the pull
 * request's title (as GitHub for Jira reads it), then the messages of the commits in the range; keys in branch
 * names, titles and messages count only in upper case. De-duplicated in that order and capped at Jira's 500.
 */
export async function findIssueKeys(sources: IssueKeySources): Promise<FoundIssueKeys> {
  const keys: string[] = [];
  for (const raw of sources.explicit) {
    const key = raw.trim().toUpperCase();
    if (!isIssueKey(key)) throw new UsageError(`--issue-keys: "${raw}" is not a Jira issue key (like PROJ-123)`);
    keys.push(key);
  }
  // Upper case only, in branch names too (as the Jenkins plugin does): "renovate/node-20.x" or
  // "dependabot/npm_and_yarn/axios-1.6.0" would otherwise name NODE-20 or AXIOS-1, and Jira rejects the whole build.
  if (sources.branch !== undefined) keys.push(...issueKeysInText(sources.branch, true));
  if (sources.title !== undefined) keys.push(...issueKeysInText(sources.title, true));
  const warnings: string[] = [];
  if (sources.commits !== undefined) {
    if (!isGitRange(sources.commits)) throw new UsageError(`--commits: expected FROM..TO, got "${sources.commits}"`);
    // A branch's first push (FROM all zeros) or a shallow clone (FROM not fetched) names no range git can read: the
    // event still goes, with the keys of the other sources, rather than fail the pipeline step that reports it.
    const messages = NO_COMMIT.test(sources.commits)
      ? (warnings.push(`--commits ${sources.commits}: no earlier commit (a branch's first push); commit messages not read`), [])
      : await commitMessagesInRange(sources.commits, sources.cwd).catch((error: unknown) => {
          warnings.push(`${(error as Error).message}; commit messages not read (a shallow clone lacks FROM: fetch deeper)`);
          return [];
        });
    // Commit prose: upper-case keys only, so "utf-8" or "covid-19" in a message is not taken for a key.
    for (const message of messages) keys.push(...issueKeysInText(message, true));
  }
  const unique = [...new Set(keys)];
  return { keys: unique.slice(0, MAX_ISSUE_KEYS), found: unique.length, warnings };
}
