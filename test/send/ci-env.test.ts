import { strict as assert } from 'node:assert';
import { ciDefaults, detectCi } from '../../src/send';

/** One row per CI: the variables it sets (as documented by each CI) and what flagsync takes from them. */
const matrix = [
  {
    ci: 'jenkins',
    env: {
      JENKINS_URL: 'https://jenkins.example/',
      JOB_NAME: 'web',
      BUILD_NUMBER: '7',
      BUILD_URL: 'https://jenkins.example/job/web/7/',
      JOB_URL: 'https://jenkins.example/job/web/',
      GIT_BRANCH: 'origin/feature/PROJ-9-login',
      GIT_COMMIT: 'abc123',
      GIT_URL: 'https://git.example/acme/web.git',
    },
    expected: {
      pipelineId: 'web',
      buildNumber: '7',
      url: 'https://jenkins.example/job/web/7/',
      branch: 'feature/PROJ-9-login',
      commit: 'abc123',
      displayName: 'web #7',
    },
  },
  {
    ci: 'gitlab',
    env: {
      GITLAB_CI: 'true',
      CI_PROJECT_PATH: 'acme/web',
      CI_PIPELINE_IID: '42',
      CI_PIPELINE_ID: '9001',
      CI_PIPELINE_URL: 'https://gitlab.example/acme/web/-/pipelines/9001',
      CI_COMMIT_REF_NAME: 'feature/PROJ-9-login',
      CI_COMMIT_SHA: 'def456',
      CI_PROJECT_URL: 'https://gitlab.example/acme/web',
      CI_ENVIRONMENT_NAME: 'production',
      CI_ENVIRONMENT_TIER: 'production',
    },
    expected: {
      pipelineId: 'acme/web',
      buildNumber: '42',
      url: 'https://gitlab.example/acme/web/-/pipelines/9001',
      branch: 'feature/PROJ-9-login',
      commit: 'def456',
      environment: 'production',
      environmentType: 'production',
    },
  },
  {
    ci: 'github',
    env: {
      GITHUB_ACTIONS: 'true',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'acme/web',
      GITHUB_WORKFLOW: 'ci',
      GITHUB_RUN_ID: '123456',
      GITHUB_RUN_NUMBER: '17',
      GITHUB_REF_NAME: 'feature/PROJ-9-login',
      GITHUB_HEAD_REF: '',
      GITHUB_SHA: 'aaa111',
    },
    expected: {
      pipelineId: 'acme/web/ci',
      buildNumber: '17',
      url: 'https://github.com/acme/web/actions/runs/123456',
      branch: 'feature/PROJ-9-login',
      commit: 'aaa111',
      repositoryUri: 'https://github.com/acme/web',
    },
  },
  {
    ci: 'gitea',
    env: {
      GITEA_ACTIONS: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_SERVER_URL: 'https://gitea.example',
      GITHUB_REPOSITORY: 'acme/web',
      GITHUB_WORKFLOW: 'ci',
      GITHUB_RUN_ID: '999',
      GITHUB_RUN_NUMBER: '5',
      GITHUB_HEAD_REF: 'feature/PROJ-9-login',
      GITHUB_REF_NAME: '12/merge',
      GITHUB_SHA: 'bbb222',
    },
    expected: {
      pipelineId: 'acme/web/ci',
      buildNumber: '5',
      url: 'https://gitea.example/acme/web/actions/runs/5',
      branch: 'feature/PROJ-9-login',
      commit: 'bbb222',
    },
  },
  {
    ci: 'forgejo',
    env: {
      FORGEJO_ACTIONS: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_SERVER_URL: 'https://codeberg.example/',
      GITHUB_REPOSITORY: 'acme/web',
      GITHUB_RUN_NUMBER: '8',
      GITHUB_REF_NAME: 'main',
      GITHUB_SHA: 'ccc333',
    },
    expected: {
      pipelineId: 'acme/web',
      buildNumber: '8',
      url: 'https://codeberg.example/acme/web/actions/runs/8',
      branch: 'main',
      commit: 'ccc333',
    },
  },
  {
    ci: 'bamboo',
    env: {
      bamboo_buildKey: 'WEB-BUILD-JOB1',
      bamboo_planKey: 'WEB-BUILD',
      bamboo_buildNumber: '31',
      bamboo_buildResultKey: 'WEB-BUILD-31',
      bamboo_buildResultsUrl: 'https://bamboo.example/browse/WEB-BUILD-31',
      bamboo_planRepository_branchName: 'feature/PROJ-9-login',
      bamboo_planRepository_revision: 'ddd444',
      bamboo_deploy_environment: 'Production',
    },
    expected: {
      pipelineId: 'WEB-BUILD',
      buildNumber: '31',
      displayName: 'WEB-BUILD-31',
      url: 'https://bamboo.example/browse/WEB-BUILD-31',
      branch: 'feature/PROJ-9-login',
      commit: 'ddd444',
      environment: 'Production',
    },
  },
] as const;

describe('CI environment variables', () => {
  for (const row of matrix) {
    it(`${row.ci}: detected and mapped`, () => {
      const defaults = ciDefaults(row.env);
      assert.equal(defaults?.ci, row.ci);
      const picked = Object.fromEntries(Object.keys(row.expected).map((k) => [k, (defaults as unknown as Record<string, unknown>)[k]]));
      assert.deepEqual(picked, row.expected);
    });
  }

  it('outside CI nothing is taken from the environment', () => {
    assert.equal(ciDefaults({ PATH: '/usr/bin', BUILD_NUMBER: '3' }), undefined);
  });

  it('GitHub Actions on a tag uses the tag as label, not as branch', () => {
    const d = ciDefaults({ GITHUB_ACTIONS: 'true', GITHUB_REF_TYPE: 'tag', GITHUB_REF_NAME: 'v1.2.0', GITHUB_REPOSITORY: 'acme/web' });
    assert.deepEqual([d?.branch, d?.label], [undefined, 'v1.2.0']);
  });

  describe("the pull (merge) request's title", () => {
    it('Jenkins CHANGE_TITLE, GitLab CI_MERGE_REQUEST_TITLE', () => {
      assert.equal(ciDefaults({ JENKINS_URL: 'https://j.example/', CHANGE_TITLE: 'PROJ-9 login' })?.title, 'PROJ-9 login');
      assert.equal(ciDefaults({ GITLAB_CI: 'true', CI_MERGE_REQUEST_TITLE: 'Draft: PROJ-9 login' })?.title, 'Draft: PROJ-9 login');
    });

    it("GitHub, Gitea and Forgejo: the event payload's pull_request.title, read from GITHUB_EVENT_PATH", () => {
      const files: Record<string, string> = {
        '/e/pr.json': JSON.stringify({ action: 'synchronize', pull_request: { title: ' PROJ-9 login ' } }),
        '/e/push.json': JSON.stringify({ ref: 'refs/heads/main', head_commit: { message: 'PROJ-1' } }),
        '/e/broken.json': '{"pull_request": {"title": ',
        '/e/odd.json': JSON.stringify({ pull_request: { title: 42 } }),
      };
      const read = (file: string) => files[file];
      const titleOf = (env: Record<string, string>, file: string) => ciDefaults({ ...env, GITHUB_EVENT_PATH: file }, read)?.title;
      for (const marker of ['GITHUB_ACTIONS', 'GITEA_ACTIONS', 'FORGEJO_ACTIONS'].map((name) => ({ [name]: 'true' })))
        assert.equal(titleOf(marker, '/e/pr.json'), 'PROJ-9 login');
      const github = { GITHUB_ACTIONS: 'true' };
      assert.deepEqual(
        ['/e/push.json', '/e/broken.json', '/e/odd.json', '/e/missing.json'].map((file) => titleOf(github, file)),
        [undefined, undefined, undefined, undefined],
      );
      // Without a reader (the default), no file is read.
      assert.equal(ciDefaults({ ...github, GITHUB_EVENT_PATH: '/e/pr.json' })?.title, undefined);
    });
  });

  it('empty variables count as unset', () => {
    assert.equal(detectCi({ GITLAB_CI: '', JENKINS_URL: '  ' }), undefined);
  });
});
