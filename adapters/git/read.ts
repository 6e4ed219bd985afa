import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { DevBranch, DevCommit, DevRepository } from '../../src/kit';
import { assertRepository, GitError, runGit } from './git';
import type { UrlBuilder } from './urls';

const FIELDS = ['%H', '%an', '%ae', '%at', '%P', '%B'].join('%x00');
// %x1e starts each record; --shortstat follows the fields ("N files changed, ...").
const LOG_FORMAT = `--format=%x1e${FIELDS}%x00`;

/**
 * The stat of each commit. A merge commit counts the files it changed against its first parent (the branch merged
 * into), as the forges show a merge; a git older than 2.31 shows merges no stat, and they count 0.
 */
const statArgs = (mergeStats: boolean) => (mergeStats ? ['--shortstat', '--diff-merges=first-parent'] : ['--shortstat']);

export interface CommitInfo {
  readonly sha: string;
  readonly authorName: string;
  readonly authorEmail: string;
  readonly timestamp: string;
  readonly parents: number;
  readonly message: string;
  readonly filesChanged: number;
}

/**
 * An author time (seconds since the epoch) as ISO 8601. git takes dates a JavaScript Date cannot hold (past the year
 * 275760): such a time is passed on as git wrote it, and the core leaves that one commit out with a warning rather
 * than the whole read failing on it.
 */
function isoTime(seconds: string | undefined): string {
  const date = new Date(Number(seconds) * 1000);
  return Number.isNaN(date.getTime()) ? `@${seconds ?? ''}` : date.toISOString();
}

/**
 * Where a record of LOG_FORMAT starts: its separator, then an object id (SHA-1 or SHA-256) and the NUL after it. git
 * output never holds a NUL inside a field, but an author name or a message may hold the separator itself.
 */
const RECORD_START = /\x1e(?=(?:[0-9a-f]{40}|[0-9a-f]{64})\x00)/;

/** Parses `git log` output written with LOG_FORMAT and --shortstat. */
export function parseLog(stdout: string): CommitInfo[] {
  const commits: CommitInfo[] = [];
  for (const record of stdout.split(RECORD_START)) {
    if (record.trim() === '') continue;
    const [sha, authorName, authorEmail, time, parents, message, stat] = record.split('\x00');
    if (sha === undefined || message === undefined) continue;
    const files = /(\d+) files? changed/.exec(stat ?? '');
    commits.push({
      sha,
      authorName: authorName ?? '',
      authorEmail: authorEmail ?? '',
      timestamp: isoTime(time),
      parents: (parents ?? '').split(' ').filter((p) => p !== '').length,
      message: message.trim(),
      filesChanged: files === null ? 0 : Number(files[1]),
    });
  }
  return commits;
}

/** Local branches and their tips: `refs/heads` in a working copy and in a mirror alike. lstrip, not :short, which
 * turns a branch into `heads/<name>` when a tag has the same name. */
export interface BranchTip {
  readonly name: string;
  readonly sha: string;
}

/**
 * What besides the branch tips changes what `git log` shows: replace refs, the shallow boundary (a shallow clone
 * deepened) and the repository's configuration (rename detection changes file counts), as `text` (hashed into the
 * fingerprint); and the commits at a shallow clone's boundary, whose parents the clone lacks.
 */
export interface HistorySettings {
  readonly text: string;
  readonly shallow: ReadonlySet<string>;
}

export async function historySettings(gitDir: string, signal: AbortSignal): Promise<HistorySettings> {
  const [replaced, shallowPath, config] = await Promise.all([
    runGit(['for-each-ref', '--format=%(refname)%00%(objectname)', 'refs/replace'], { cwd: gitDir, signal }),
    runGit(['rev-parse', '--git-path', 'shallow'], { cwd: gitDir, signal }),
    runGit(['config', '--list'], { cwd: gitDir, signal }).catch(() => ''),
  ]);
  // Relative to the folder git ran in.
  const shallow = await readFile(path.resolve(gitDir, shallowPath.trim()), 'utf8').catch(() => '');
  const boundary = shallow.split('\n').filter((line) => line !== '');
  return { text: JSON.stringify([replaced, shallow, config]), shallow: new Set(boundary) };
}

export async function branchTips(gitDir: string, signal: AbortSignal): Promise<BranchTip[]> {
  await assertRepository(gitDir, signal);
  const out = await runGit(['for-each-ref', '--format=%(refname:lstrip=2)%00%(objectname)', 'refs/heads'], { cwd: gitDir, signal });
  return out
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [name, sha] = line.split('\x00');
      return { name: name!, sha: sha! };
    });
}

async function commitsBySha(
  gitDir: string,
  shas: readonly string[],
  mergeStats: boolean,
  signal: AbortSignal,
): Promise<Map<string, CommitInfo>> {
  const found = new Map<string, CommitInfo>();
  // Chunks keep the argument list far below the OS limit for repositories with thousands of branches.
  for (let i = 0; i < shas.length; i += 500) {
    const chunk = shas.slice(i, i + 500);
    const out = await runGit(['log', '--no-walk=unsorted', ...statArgs(mergeStats), LOG_FORMAT, ...chunk, '--'], { cwd: gitDir, signal });
    for (const commit of parseLog(out)) found.set(commit.sha, commit);
  }
  return found;
}

/**
 * A commit at a shallow clone's boundary shows every file of its tree as added (git diffs it against nothing, its
 * parents being absent): what it changed is not known there, and it counts 0 rather than the whole tree.
 */
function toDevCommit(info: CommitInfo, urls: UrlBuilder, shallow: ReadonlySet<string>): DevCommit {
  return {
    sha: info.sha,
    message: info.message,
    authorName: info.authorName,
    authorEmail: info.authorEmail,
    timestamp: info.timestamp,
    filesChanged: shallow.has(info.sha) ? 0 : info.filesChanged,
    url: urls.commit(info.sha),
    merge: info.parents > 1,
  };
}

/**
 * A read's cursor: the distinct branch tips, sorted, comma-separated. The next read adds the commits none of them
 * reaches (pushed since), whatever their dates.
 */
export const cursorOf = (tips: readonly BranchTip[]): string => [...new Set(tips.map((t) => t.sha))].sort().join(',');

const OBJECT_ID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/** The tips a cursor names; anything else in it (a hand-edited state) is passed over. */
export const tipsOfCursor = (cursor: string): string[] => cursor.split(',').filter((sha) => OBJECT_ID.test(sha));

/**
 * How many commits pushed since the last answered read are read, as a multiple of `maxCommits`: all of them but
 * after a long outage or an import (the newest by date then).
 */
const PUSHED_SINCE_FACTOR = 10;

/**
 * The commits of any branch that none of `since` reaches (what was pushed after the read that left them), newest
 * first, at most `max`. A tip git no longer has (collected after a force-push) is passed over (`--ignore-missing`).
 */
async function commitsSince(gitDir: string, since: readonly string[], max: number, mergeStats: boolean, signal: AbortSignal) {
  const out = await runGit(
    ['log', '--branches', '--ignore-missing', '--stdin', '--date-order', `--max-count=${max}`, ...statArgs(mergeStats), LOG_FORMAT, '--'],
    { cwd: gitDir, signal, input: since.map((sha) => `^${sha}\n`).join('') },
  );
  return parseLog(out);
}

export interface ReadSettings {
  readonly id: string;
  readonly name: string;
  readonly url: string;
  readonly urls: UrlBuilder;
  readonly maxCommits: number;
  /** The git can count a merge commit's files (diffsMerges). */
  readonly mergeStats: boolean;
  /** The tips of the last read Jira answered in full (its cursor), if any. */
  readonly since?: readonly string[];
  /** The commits at a shallow clone's boundary (HistorySettings.shallow). */
  readonly shallow?: ReadonlySet<string>;
}

/**
 * One repository's devinfo: every branch with its tip, the `maxCommits` most recent commits (on any branch) and, given
 * the tips of an earlier read, the commits pushed since then (up to PUSHED_SINCE_FACTOR × `maxCommits`), however old
 * their dates (a branch pushed days after its commits were made, in a repository busier than the window). The core
 * links them to issues and keeps only the linked ones.
 */
export async function readRepository(
  gitDir: string,
  settings: ReadSettings,
  signal: AbortSignal,
  tips?: readonly BranchTip[],
): Promise<DevRepository> {
  tips ??= await branchTips(gitDir, signal);
  const shallow = settings.shallow ?? new Set<string>();
  const recent =
    tips.length === 0
      ? []
      : parseLog(
          await runGit(
            ['log', '--branches', '--date-order', `--max-count=${settings.maxCommits}`, ...statArgs(settings.mergeStats), LOG_FORMAT, '--'],
            { cwd: gitDir, signal },
          ),
        );
  const tipInfo = await commitsBySha(gitDir, [...new Set(tips.map((t) => t.sha))], settings.mergeStats, signal);
  const branches: DevBranch[] = [];
  for (const tip of tips) {
    const info = tipInfo.get(tip.sha);
    // Left out, the branch would be deleted from Jira: a read that lost a tip fails instead.
    if (info === undefined) throw new GitError(`${gitDir}: git log did not show commit ${tip.sha}, the tip of branch ${tip.name}`);
    branches.push({ name: tip.name, url: settings.urls.branch(tip.name), lastCommit: toDevCommit(info, settings.urls, shallow) });
  }
  const inWindow = new Set(recent.map((c) => c.sha));
  const since =
    settings.since === undefined || tips.length === 0
      ? []
      : (await commitsSince(gitDir, settings.since, PUSHED_SINCE_FACTOR * settings.maxCommits, settings.mergeStats, signal)).filter(
          (c) => !inWindow.has(c.sha),
        );
  const commits = [...recent, ...since].map((info) => toDevCommit(info, settings.urls, shallow));
  return { id: settings.id, name: settings.name, url: settings.url, branches, commits, cursor: cursorOf(tips) };
}
