import * as t from 'io-ts';

/**
 * Defaults for `flagsync send` from the environment variables common CI servers set, so a pipeline step can be
 * one short line. Pure (a file the CI names is read through the function given): the table lives in
 * docs/builds-and-deployments.md and the tests check every row.
 */
export type CiName = 'jenkins' | 'gitlab' | 'github' | 'gitea' | 'forgejo' | 'bamboo';

export interface CiDefaults {
  readonly ci: CiName;
  readonly pipelineId?: string;
  readonly pipelineName?: string;
  readonly pipelineUrl?: string;
  readonly buildNumber?: string;
  readonly displayName?: string;
  readonly url?: string;
  readonly branch?: string;
  readonly commit?: string;
  readonly repositoryUri?: string;
  readonly environment?: string;
  readonly environmentType?: string;
  readonly label?: string;
  /** The pull (merge) request's title, for the issue keys it names. */
  readonly title?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Empty strings count as unset: CI templates often export a variable with no value. */
function get(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function first(...values: (string | undefined)[]): string | undefined {
  return values.find((v) => v !== undefined);
}

/** Drops undefined fields so callers can spread the result under explicit options. */
function compact(defaults: CiDefaults): CiDefaults {
  return Object.fromEntries(Object.entries(defaults).filter(([, v]) => v !== undefined)) as unknown as CiDefaults;
}

function jenkins(env: Env): CiDefaults {
  const job = get(env, 'JOB_NAME');
  const number = get(env, 'BUILD_NUMBER');
  // GIT_BRANCH is "origin/feature/x" in freestyle jobs; BRANCH_NAME (multibranch) is the plain name.
  const gitBranch = get(env, 'GIT_BRANCH')?.replace(/^origin\//, '');
  return {
    ci: 'jenkins',
    pipelineId: job,
    pipelineName: job,
    pipelineUrl: get(env, 'JOB_URL'),
    buildNumber: number,
    displayName: first(
      get(env, 'BUILD_DISPLAY_NAME') === `#${number}` ? undefined : get(env, 'BUILD_DISPLAY_NAME'),
      job && number ? `${job} #${number}` : undefined,
    ),
    url: get(env, 'BUILD_URL'),
    branch: first(get(env, 'CHANGE_BRANCH'), get(env, 'BRANCH_NAME'), gitBranch),
    commit: get(env, 'GIT_COMMIT'),
    repositoryUri: get(env, 'GIT_URL'),
    title: get(env, 'CHANGE_TITLE'),
  };
}

function gitlab(env: Env): CiDefaults {
  const project = get(env, 'CI_PROJECT_PATH');
  const number = first(get(env, 'CI_PIPELINE_IID'), get(env, 'CI_PIPELINE_ID'));
  return {
    ci: 'gitlab',
    pipelineId: project,
    pipelineName: project,
    pipelineUrl: get(env, 'CI_PROJECT_URL') === undefined ? undefined : `${get(env, 'CI_PROJECT_URL')}/-/pipelines`,
    buildNumber: number,
    displayName: project && number ? `${project} #${number}` : undefined,
    url: get(env, 'CI_PIPELINE_URL'),
    branch: first(get(env, 'CI_MERGE_REQUEST_SOURCE_BRANCH_NAME'), get(env, 'CI_COMMIT_BRANCH'), get(env, 'CI_COMMIT_REF_NAME')),
    commit: get(env, 'CI_COMMIT_SHA'),
    repositoryUri: get(env, 'CI_PROJECT_URL'),
    environment: get(env, 'CI_ENVIRONMENT_NAME'),
    environmentType: get(env, 'CI_ENVIRONMENT_TIER'),
    label: get(env, 'CI_COMMIT_TAG'),
    title: get(env, 'CI_MERGE_REQUEST_TITLE'),
  };
}

/** Reads a file the CI names; undefined when it cannot be read. */
export type ReadCiFile = (path: string) => string | undefined;

/** The part of a GitHub (Gitea, Forgejo) event payload read here: a pull_request event's pull request. */
const PullRequestEvent = t.type({ pull_request: t.type({ title: t.string }) });

/** The title of the pull request an event is about; undefined for other events and for text that is not one. */
function pullRequestTitle(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch {
    return undefined;
  }
  return PullRequestEvent.is(event) && event.pull_request.title.trim() !== '' ? event.pull_request.title.trim() : undefined;
}

/** GitHub Actions, and Gitea/Forgejo Actions which set the same GITHUB_* variables for compatibility. */
function githubLike(env: Env, ci: 'github' | 'gitea' | 'forgejo', readFile: ReadCiFile): CiDefaults {
  const server = get(env, 'GITHUB_SERVER_URL')?.replace(/\/+$/, '');
  const repository = get(env, 'GITHUB_REPOSITORY');
  const workflow = get(env, 'GITHUB_WORKFLOW');
  const number = get(env, 'GITHUB_RUN_NUMBER');
  const repoUrl = server && repository ? `${server}/${repository}` : undefined;
  // GitHub addresses a run by its id; Gitea and Forgejo by the run number (index) shown in their UI.
  const runKey = ci === 'github' ? get(env, 'GITHUB_RUN_ID') : number;
  const pipelineId = repository && workflow ? `${repository}/${workflow}` : repository;
  const isTag = get(env, 'GITHUB_REF_TYPE') === 'tag';
  const eventPath = get(env, 'GITHUB_EVENT_PATH');
  return {
    ci,
    pipelineId,
    pipelineName: pipelineId,
    pipelineUrl: repoUrl === undefined ? undefined : `${repoUrl}/actions`,
    buildNumber: number,
    displayName: pipelineId && number ? `${pipelineId} #${number}` : undefined,
    url: repoUrl && runKey ? `${repoUrl}/actions/runs/${runKey}` : undefined,
    branch: first(get(env, 'GITHUB_HEAD_REF'), isTag ? undefined : get(env, 'GITHUB_REF_NAME')),
    commit: get(env, 'GITHUB_SHA'),
    repositoryUri: repoUrl,
    label: isTag ? get(env, 'GITHUB_REF_NAME') : undefined,
    // Only the event payload holds it (pull_request and pull_request_target events).
    title: pullRequestTitle(eventPath === undefined ? undefined : readFile(eventPath)),
  };
}

function bamboo(env: Env): CiDefaults {
  const plan = get(env, 'bamboo_planKey');
  return {
    ci: 'bamboo',
    pipelineId: plan,
    pipelineName: first(get(env, 'bamboo_planName'), plan),
    pipelineUrl: undefined,
    buildNumber: get(env, 'bamboo_buildNumber'),
    displayName: get(env, 'bamboo_buildResultKey'),
    url: get(env, 'bamboo_buildResultsUrl'),
    branch: first(get(env, 'bamboo_planRepository_branchName'), get(env, 'bamboo_repository_branch_name')),
    commit: get(env, 'bamboo_planRepository_revision'),
    repositoryUri: get(env, 'bamboo_planRepository_repositoryUrl'),
    environment: get(env, 'bamboo_deploy_environment'),
    label: get(env, 'bamboo_deploy_release'),
  };
}

/** Which CI this process runs under, by the marker variable each documents; undefined outside CI. */
export function detectCi(env: Env): CiName | undefined {
  if (get(env, 'FORGEJO_ACTIONS') === 'true') return 'forgejo';
  if (get(env, 'GITEA_ACTIONS') === 'true') return 'gitea';
  if (get(env, 'GITHUB_ACTIONS') === 'true') return 'github';
  if (get(env, 'GITLAB_CI') === 'true') return 'gitlab';
  if (get(env, 'bamboo_buildKey') !== undefined) return 'bamboo';
  if (get(env, 'JENKINS_URL') !== undefined || get(env, 'JENKINS_HOME') !== undefined) return 'jenkins';
  return undefined;
}

/**
 * What the detected CI says about this build; flags given on the command line take precedence over all of it.
 * `readFile` reads the event payload GitHub-like CIs name (GITHUB_EVENT_PATH); without it nothing is read.
 */
export function ciDefaults(env: Env, readFile: ReadCiFile = () => undefined): CiDefaults | undefined {
  const ci = detectCi(env);
  switch (ci) {
    case undefined:
      return undefined;
    case 'jenkins':
      return compact(jenkins(env));
    case 'gitlab':
      return compact(gitlab(env));
    case 'bamboo':
      return compact(bamboo(env));
    default:
      return compact(githubLike(env, ci, readFile));
  }
}
