import * as path from 'node:path';
import {
  ADAPTER_CONTRACT_VERSION,
  SourceError,
  type AdapterContext,
  type DevinfoAdapterFactory,
  type DevinfoSnapshot,
  type DevinfoSource,
} from '../../src/kit';
import { GitError, gitProduct, hideCredentials } from './git';
import { updateMirror } from './mirror';
import { GitOptionsCodec, type GitOptions, type GitOwnOptions, type RepositoryOptions } from './options';
import { readRepository } from './read';
import { urlBuilder } from './urls';
import { watchGitRefs } from './watch';

export type { GitOptions } from './options';
export { URL_PRESETS } from './urls';

const DEFAULT_MAX_COMMITS = 200;

function gitDirOf(repo: RepositoryOptions, id: string, configDir: string): string {
  if (repo.path !== undefined) return path.resolve(configDir, repo.path);
  return path.resolve(configDir, repo.mirror ?? path.join('.flagsync', 'mirrors', `${id}.git`));
}

/**
 * The git devinfo adapter: reads local repositories (or bare mirrors it keeps of remotes) with the git CLI and
 * produces repositories with their issue-linked branches and recent commits. Any repository failing fails the whole
 * snapshot: a partial list would make the core delete the missing repository's branches in Jira.
 */
export function createGitSource(options: GitOptions, context: AdapterContext): DevinfoSource {
  const provider = context.providerName;
  const maxCommits = options.maxCommits ?? DEFAULT_MAX_COMMITS;

  async function readOne(repo: RepositoryOptions, signal: AbortSignal) {
    const id = repo.id ?? repo.name;
    const gitDir = gitDirOf(repo, id, context.configDir);
    const where = `repository "${repo.name}"`;
    try {
      if (repo.remote !== undefined) await updateMirror(repo.remote, gitDir, signal);
      const result = await readRepository(gitDir, { id, name: repo.name, url: repo.url, urls: urlBuilder(repo), maxCommits }, signal);
      context.logger.debug(
        { provider, repository: repo.name, branches: result.branches.length, commits: result.commits.length },
        'read git repository',
      );
      return repo.transitions === false ? { ...result, transitions: false } : result;
    } catch (error) {
      if (error instanceof GitError) throw new SourceError(provider, `${where}: ${error.message}`, error);
      if (signal.aborted) throw new SourceError(provider, `${where}: aborted`, error);
      throw new SourceError(provider, `${where}: ${hideCredentials(error instanceof Error ? error.message : String(error))}`, error);
    }
  }

  let product = 'Git';
  return {
    watch: watchGitRefs(options.repositories, (repo) => gitDirOf(repo, repo.id ?? repo.name, context.configDir), context.logger),
    get product() {
      return product;
    },
    async snapshot(signal: AbortSignal): Promise<DevinfoSnapshot> {
      product = await gitProduct(signal);
      const repositories = [];
      // One at a time: git is I/O heavy, and a fetch storm against one server helps nobody.
      for (const repo of options.repositories) repositories.push(await readOne(repo, signal));
      return { repositories };
    },
  };
}

export const adapter: DevinfoAdapterFactory<GitOwnOptions> = {
  name: 'git',
  version: '2.0.0',
  contractVersion: ADAPTER_CONTRACT_VERSION,
  produces: 'devinfo',
  optionsCodec: GitOptionsCodec,
  create: createGitSource,
};
