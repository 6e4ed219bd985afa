import * as t from 'io-ts';
import {
  checkedString,
  crossChecked,
  isHttpUrl,
  NonEmptyString,
  REPOSITORY_ID_PATTERN,
  type CrossCheck,
  type CrossProblem,
  type ProviderOptions,
} from '../../src/kit';

const BrowseUrl = checkedString('an http(s) URL', isHttpUrl);
const RepositoryId = checkedString('an id of letters, digits and ~ . - _ (Jira repository id)', (s) => REPOSITORY_ID_PATTERN.test(s));
/** A template becomes a URL once its placeholders are filled in. */
const UrlTemplate = checkedString('a URL template using {url}, {sha}, {branch} or {branchEncoded}', (s) =>
  isHttpUrl(s.replace(/\{(sha|branch|branchEncoded)\}/g, 'x').replace('{url}', 'https://x.example')),
);

export const PRESETS = { gitea: null, forgejo: null, gitlab: null, github: null, 'bitbucket-server': null } as const;
export type Preset = keyof typeof PRESETS;

const RepositoryShape = t.intersection([
  t.type({
    name: NonEmptyString,
    /** Browse URL of the repository; commit and branch URLs derive from it. */
    url: BrowseUrl,
  }),
  t.partial({
    /** A local repository (bare or working copy), read in place. */
    path: NonEmptyString,
    /** Or a remote to keep a bare mirror of (`git clone --mirror`, then `git fetch --prune` on every run). */
    remote: NonEmptyString,
    /**
     * Folder of the mirror, relative to the config file (default: mirrors/<provider>/<id>.git in the state file's
     * folder; a mirror an earlier version made at mirrors/<id>.git there or .flagsync/mirrors/<id>.git beside the
     * config file is kept).
     */
    mirror: NonEmptyString,
    /** Jira repository id (default: the name, which must then be a valid id). Must stay stable. */
    id: RepositoryId,
    preset: t.keyof(PRESETS, 'gitea, forgejo, gitlab, github or bitbucket-server'),
    commitUrl: UrlTemplate,
    branchUrl: UrlTemplate,
    /** false: Jira never runs smart commits or transitions for this repository (default true after its first sync). */
    transitions: t.boolean,
  }),
]);
export type RepositoryOptions = t.TypeOf<typeof RepositoryShape>;

const GitOptionsShape = t.intersection([
  t.type({
    repositories: t.array(RepositoryShape, 'a list of repositories'),
  }),
  t.partial({
    /** Most recent commits looked at per repository, across all branches (default 200). */
    maxCommits: t.number,
  }),
]);
type Shape = t.TypeOf<typeof GitOptionsShape>;

/** Every problem at its own path, so one config check names them all. */
function crossFieldProblems(options: Shape): CrossCheck {
  if (options.repositories.length === 0) return 'at least one repository';
  const problems: CrossProblem[] = [];
  if (options.maxCommits !== undefined && !(Number.isInteger(options.maxCommits) && options.maxCommits >= 1))
    problems.push({ at: ['maxCommits'], expected: 'a whole number ≥ 1' });
  const ids = new Set<string>();
  const mirrors = new Set<string>();
  for (const [i, repo] of options.repositories.entries()) {
    if ((repo.path === undefined) === (repo.remote === undefined))
      problems.push({ at: ['repositories', i], expected: 'either path or remote (one of the two)' });
    const id = repo.id ?? repo.name;
    if (!REPOSITORY_ID_PATTERN.test(id))
      problems.push({ at: ['repositories', i], expected: `an id (letters, digits, ~ . - _) since its name "${repo.name}" is not one` });
    else if (ids.has(id)) problems.push({ at: ['repositories', i], expected: `a repository id of its own ("${id}" appears twice)` });
    ids.add(id);
    // Two repositories in one mirror folder would fetch each other's remote and read each other's branches.
    if (repo.mirror !== undefined) {
      if (mirrors.has(repo.mirror))
        problems.push({ at: ['repositories', i, 'mirror'], expected: `a mirror folder of its own ("${repo.mirror}" appears twice)` });
      mirrors.add(repo.mirror);
    }
  }
  return problems;
}

export const GitOptionsCodec = crossChecked(GitOptionsShape, 'git provider options', crossFieldProblems);
export type GitOwnOptions = t.TypeOf<typeof GitOptionsCodec>;
/** The options as `create` gets them: these keys, with the shared provider fields merged in by the core. */
export type GitOptions = ProviderOptions<GitOwnOptions>;
