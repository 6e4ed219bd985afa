import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  ADAPTER_CONTRACT_VERSION,
  MAX_CURSOR_LENGTH,
  SourceError,
  type AdapterContext,
  type DevinfoAdapterFactory,
  type DevinfoReadContext,
  type DevinfoSnapshot,
  type DevinfoSource,
  type DevRepository,
  type UnchangedSource,
} from '../../src/kit';
import { diffsMerges, GitError, gitProductOf, gitVersion, hideCredentials } from './git';
import { updateMirror } from './mirror';
import { GitOptionsCodec, type GitOptions, type GitOwnOptions, type RepositoryOptions } from './options';
import { branchTips, historySettings, readRepository, tipsOfCursor, type BranchTip, type HistorySettings } from './read';
import { urlBuilder } from './urls';
import { watchGitRefs } from './watch';

export type { GitOptions } from './options';
export { URL_PRESETS } from './urls';

const DEFAULT_MAX_COMMITS = 200;

/** A mirror exists once it has a HEAD (as `updateMirror` decides between clone and fetch). */
const isMirror = (dir: string): boolean => existsSync(path.join(dir, 'HEAD'));

/**
 * Where a repository is read: its `path`, its `mirror`, or the default mirror folder, `mirrors/<provider>/<id>.git` in
 * the host's data folder (the state file's: writable where the config's folder often is not, a read-only mount or a
 * ConfigMap). Per provider: two providers with a repository of the same name (on two servers) would otherwise fetch
 * into one folder at once, each pointing it at its own remote. A mirror an earlier version made, at
 * `mirrors/<id>.git` there or at `.flagsync/mirrors/<id>.git` beside the config, is kept while the new folder has
 * none, so an upgrade clones no big repository again. A host without `dataDir` gets the folder beside the config.
 */
function gitDirOf(repo: RepositoryOptions, id: string, context: AdapterContext): { dir: string; newDefault?: string } {
  if (repo.path !== undefined) return { dir: path.resolve(context.configDir, repo.path) };
  if (repo.mirror !== undefined) return { dir: path.resolve(context.configDir, repo.mirror) };
  const beside = path.resolve(context.configDir, '.flagsync', 'mirrors', `${id}.git`);
  if (context.dataDir === undefined) return { dir: beside };
  const dir = path.resolve(context.dataDir, 'mirrors', context.providerName, `${id}.git`);
  if (isMirror(dir)) return { dir };
  // Only a mirror of this very remote: at an earlier default, a repository of the same name another provider reads
  // from another server may have made it.
  const earlier = [path.resolve(context.dataDir, 'mirrors', `${id}.git`), beside].find(
    (folder) => isMirror(folder) && repo.remote !== undefined && originOf(folder) === repo.remote,
  );
  return earlier === undefined ? { dir } : { dir: earlier, newDefault: dir };
}

/** The `origin` URL a bare mirror's config names (git writes it as `url = …` under `[remote "origin"]`). */
function originOf(mirror: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path.join(mirror, 'config'), 'utf8');
  } catch {
    return undefined;
  }
  let inOrigin = false;
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('[')) inOrigin = /^\[remote\s+"origin"\]$/.test(trimmed);
    else if (inOrigin) {
      const url = /^url\s*=\s*(.*)$/.exec(trimmed);
      if (url !== null) return url[1];
    }
  }
  return undefined;
}

/**
 * The git devinfo adapter: reads local repositories (or bare mirrors it keeps of remotes) with the git CLI and
 * produces repositories with their issue-linked branches and recent commits. Any repository failing fails the whole
 * snapshot: a partial list would make the core delete the missing repository's branches in Jira.
 */
export function createGitSource(options: GitOptions, context: AdapterContext): DevinfoSource {
  const provider = context.providerName;
  const maxCommits = options.maxCommits ?? DEFAULT_MAX_COMMITS;
  // Decided on first use and then kept: a mirror does not move while the source lives.
  const gitDirs = new Map<RepositoryOptions, string>();
  const gitDir = (repo: RepositoryOptions): string => {
    let dir = gitDirs.get(repo);
    if (dir === undefined) {
      const found = gitDirOf(repo, repo.id ?? repo.name, context);
      if (found.newDefault !== undefined) {
        context.logger.info(
          { provider, repository: repo.name, mirror: found.dir, newDefault: found.newDefault },
          "git: keeping the mirror an earlier version made at its default folder (move it to newDefault to use this version's)",
        );
      }
      dir = found.dir;
      gitDirs.set(repo, dir);
    }
    return dir;
  };

  /** Runs one repository's git work, failing the snapshot with the repository named and credentials hidden. */
  async function inRepository<T>(repo: RepositoryOptions, signal: AbortSignal, work: () => Promise<T>): Promise<T> {
    const where = `repository "${repo.name}"`;
    try {
      return await work();
    } catch (error) {
      if (error instanceof GitError) throw new SourceError(provider, `${where}: ${error.message}`, error);
      if (signal.aborted) throw new SourceError(provider, `${where}: aborted`, error);
      throw new SourceError(provider, `${where}: ${hideCredentials(error instanceof Error ? error.message : String(error))}`, error);
    }
  }

  /**
   * The repository brought up to date (a mirror fetched), its branch tips, and the settings of its history: together
   * they decide everything read from it.
   */
  const tipsOf = (repo: RepositoryOptions, signal: AbortSignal): Promise<{ tips: BranchTip[]; history: HistorySettings }> =>
    inRepository(repo, signal, async () => {
      if (repo.remote !== undefined) await updateMirror(repo.remote, gitDir(repo), signal);
      const tips = await branchTips(gitDir(repo), signal);
      return { tips, history: await historySettings(gitDir(repo), signal) };
    });

  const readOne = (
    repo: RepositoryOptions,
    state: { tips: readonly BranchTip[]; history: HistorySettings },
    signal: AbortSignal,
    cursor: string | undefined,
  ) =>
    inRepository(repo, signal, async () => {
      const id = repo.id ?? repo.name;
      const result = await readRepository(
        gitDir(repo),
        {
          id,
          name: repo.name,
          url: repo.url,
          urls: urlBuilder(repo),
          maxCommits,
          mergeStats: diffsMerges(version),
          shallow: state.history.shallow,
          ...(cursor !== undefined && { since: tipsOfCursor(cursor) }),
        },
        signal,
        state.tips,
      );
      context.logger.debug(
        { provider, repository: repo.name, branches: result.branches.length, commits: result.commits.length },
        'read git repository',
      );
      let read: DevRepository = result;
      if (result.cursor !== undefined && result.cursor.length > MAX_CURSOR_LENGTH) {
        // Tens of thousands of branches: the next read goes by the commit window alone, as before cursors.
        context.logger.warn(
          { provider, repository: repo.name, branches: state.tips.length },
          'git: too many branch tips to remember; commits pushed late with old dates may be missed',
        );
        const { cursor: _tooLong, ...rest } = result;
        read = rest;
      }
      return repo.transitions === false ? { ...read, transitions: false } : read;
    });

  /** Every repository brought up to date, its tips and history settings, and their fingerprint. */
  async function current(signal: AbortSignal) {
    version = await gitVersion(signal);
    product = gitProductOf(version);
    // One at a time: git is I/O heavy, and a fetch storm against one server helps nobody.
    const states: { tips: BranchTip[]; history: HistorySettings }[] = [];
    for (const repo of options.repositories) states.push(await tipsOf(repo, signal));
    return { states, sourceFingerprint: fingerprintOf(options.repositories, maxCommits, product, states) };
  }

  async function read(
    signal: AbortSignal,
    acceptedSource?: string,
    context?: DevinfoReadContext,
  ): Promise<DevinfoSnapshot | UnchangedSource> {
    const { states, sourceFingerprint } = await current(signal);
    if (sourceFingerprint === acceptedSource) return { unchanged: true, sourceFingerprint };
    const repositories = [];
    for (const [i, repo] of options.repositories.entries()) {
      const cursor = context?.cursors.get(repo.id ?? repo.name);
      repositories.push(await readOne(repo, states[i]!, signal, cursor));
    }
    return { repositories, sourceFingerprint };
  }

  let version: string | undefined;
  let product = gitProductOf(undefined);
  return {
    watch: watchGitRefs(options.repositories, gitDir, context.logger),
    get product() {
      return product;
    },
    snapshot: (signal, context) => read(signal, undefined, context) as Promise<DevinfoSnapshot>,
    snapshotUnlessUnchanged: read,
    isUnchanged: async (signal, acceptedSource) => (await current(signal)).sourceFingerprint === acceptedSource,
  };
}

/**
 * Commits never change under their sha, so the branch tips, what else shapes the history git shows (replace refs,
 * shallow boundary, configuration, git's version) and the settings that shape what is read from them (repository
 * ids, names, URLs, the commit window) decide the whole snapshot: while they are the same, no `git log` is needed.
 */
function fingerprintOf(
  repositories: readonly RepositoryOptions[],
  maxCommits: number,
  gitVersion: string,
  states: readonly { readonly tips: readonly BranchTip[]; readonly history: HistorySettings }[],
): string {
  // 3: merge commits count their files against the first parent (a git that can, see diffsMerges). 4: a shallow
  // clone's boundary commits count 0 files, not their whole tree.
  const hash = createHash('sha256').update(JSON.stringify(['git', 4, maxCommits, gitVersion]));
  for (const [i, repo] of repositories.entries()) {
    hash.update(JSON.stringify(repo));
    hash.update(states[i]!.history.text);
    for (const tip of states[i]!.tips) hash.update(`\n${tip.name}\u0000${tip.sha}`);
    hash.update('\n\u0001');
  }
  return hash.digest('base64url');
}

export const adapter: DevinfoAdapterFactory<GitOwnOptions> = {
  name: 'git',
  version: '2.0.0',
  contractVersion: ADAPTER_CONTRACT_VERSION,
  produces: 'devinfo',
  optionsCodec: GitOptionsCodec,
  create: createGitSource,
};
