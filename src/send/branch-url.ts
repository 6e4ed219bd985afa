/**
 * A build reference's `ref.uri` is the URL of the branch in the forge's UI, not the repository's. Known forges
 * derive it from the repository's web URL; anything else falls back to the repository URL.
 */
import type { CiName } from './ci-env';
import { linkForPeople } from '../kit/link-url';

export type Forge = 'github' | 'gitlab' | 'bitbucket' | 'gitea' | 'forgejo';

const HOSTS: Readonly<Record<string, Forge>> = { 'github.com': 'github', 'gitlab.com': 'gitlab', 'bitbucket.org': 'bitbucket' };
/** A CI that runs on a forge sets that forge's repository URL (GitHub/Gitea/Forgejo Actions, GitLab CI). */
const CI_FORGES: Partial<Record<CiName, Forge>> = { github: 'github', gitlab: 'gitlab', gitea: 'gitea', forgejo: 'forgejo' };

const TREE: Readonly<Record<Forge, string>> = {
  github: '/tree/',
  gitlab: '/-/tree/',
  bitbucket: '/branch/',
  gitea: '/src/branch/',
  forgejo: '/src/branch/',
};

/**
 * The repository's web URL from what CI or the user gave: an http(s) URL without credentials and `.git`, or an
 * scp-like remote of a known forge (`git@github.com:org/repo.git` → `https://github.com/org/repo`).
 */
export function repositoryWebUrl(repositoryUri: string): string | undefined {
  const scp = /^[\w.-]+@([\w.-]+):(?!\/)(.+?)(?:\.git)?\/?$/.exec(repositoryUri.trim());
  if (scp !== null) return HOSTS[scp[1]!.toLowerCase()] === undefined ? undefined : `https://${scp[1]}/${scp[2]}`;
  const link = linkForPeople(repositoryUri);
  if (link === undefined) return undefined;
  const url = new URL(link);
  url.search = '';
  url.hash = '';
  return url.href.replace(/\/+$/, '').replace(/\.git$/, '');
}

export function forgeOf(webUrl: string, ci: CiName | undefined): Forge | undefined {
  const host = new URL(webUrl).hostname.toLowerCase();
  return HOSTS[host] ?? (ci === undefined ? undefined : CI_FORGES[ci]);
}

/** `feature/PROJ-9 x` → `feature/PROJ-9%20x`: each path segment encoded, the slashes kept (the forges route them so). */
const encodeBranch = (branch: string) => branch.split('/').map(encodeURIComponent).join('/');

/** The branch's URL on a known forge, or undefined when the forge is not known (the caller falls back). */
export function branchWebUrl(repositoryUri: string, branch: string, ci: CiName | undefined): string | undefined {
  const web = repositoryWebUrl(repositoryUri);
  if (web === undefined) return undefined;
  const forge = forgeOf(web, ci);
  return forge === undefined ? undefined : `${web}${TREE[forge]}${encodeBranch(branch)}`;
}
