import type { Preset, RepositoryOptions } from './options';

/** Commit and branch URL templates of common self-hosted git servers. */
export const URL_PRESETS: Readonly<Record<Preset, { readonly commit: string; readonly branch: string }>> = {
  gitea: { commit: '{url}/commit/{sha}', branch: '{url}/src/branch/{branch}' },
  forgejo: { commit: '{url}/commit/{sha}', branch: '{url}/src/branch/{branch}' },
  gitlab: { commit: '{url}/-/commit/{sha}', branch: '{url}/-/tree/{branch}' },
  github: { commit: '{url}/commit/{sha}', branch: '{url}/tree/{branch}' },
  'bitbucket-server': { commit: '{url}/commits/{sha}', branch: '{url}/browse?at=refs%2Fheads%2F{branchEncoded}' },
};

export interface UrlBuilder {
  commit(sha: string): string;
  branch(name: string): string;
}

/** `{branch}` keeps the slashes of `feature/x` (path style); `{branchEncoded}` encodes them too (query style). */
export function urlBuilder(repo: RepositoryOptions): UrlBuilder {
  const preset = URL_PRESETS[repo.preset ?? 'gitea'];
  const base = repo.url.replace(/\/+$/, '');
  const commitTemplate = repo.commitUrl ?? preset.commit;
  const branchTemplate = repo.branchUrl ?? preset.branch;
  return {
    commit: (sha) => commitTemplate.replace('{url}', base).replace(/\{sha\}/g, sha),
    branch: (name) =>
      branchTemplate
        .replace('{url}', base)
        .replace(/\{branch\}/g, name.split('/').map(encodeURIComponent).join('/'))
        .replace(/\{branchEncoded\}/g, encodeURIComponent(name)),
  };
}
