import { strict as assert } from 'node:assert';
import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import { ciDefaults, prepareBuild, prepareDeployment, UsageError, type SendContext } from '../../src/send';
import { withoutCredentials } from '../../src/send/build-payload';
import type { JiraBuild, JiraDeployment } from '../../src/jira/payloads';
import { TestRepo } from '../helpers/git-repo';
import { tempDir } from '../helpers/flagd-fixtures';

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
const ctx: SendContext = { now: NOW, cwd: process.cwd() };
const buildArgs = {
  pipelineId: 'web',
  buildNumber: '7',
  state: 'successful',
  url: 'http://ci.example/web/7',
  branch: 'feature/PROJ-9-login',
};
const deployArgs = {
  pipelineId: 'web',
  environment: 'production',
  sequence: '12',
  state: 'successful',
  url: 'http://ci.example/web/deploy/12',
  branch: 'feature/PROJ-9-login',
};

const build = async (extra: Record<string, unknown> = {}, context = ctx) =>
  (await prepareBuild({ ...buildArgs, ...extra }, context)).event.entity as JiraBuild;
const deployment = async (extra: Record<string, unknown> = {}, context = ctx) =>
  (await prepareDeployment({ ...deployArgs, ...extra }, context)).event.entity as JiraDeployment;

describe('send payloads', () => {
  describe('build', () => {
    it('links the issue key in the branch name', async () => {
      assert.deepEqual((await build()).associations, [{ associationType: 'issueIdOrKeys', values: ['PROJ-9'] }]);
    });

    it('takes no issue key from lower-case words in a branch name (renovate, dependabot, release branches)', async () => {
      const keysOf = async (branch: string) => (await prepareBuild({ ...buildArgs, branch }, ctx)).issueKeys;
      assert.deepEqual(
        [
          await keysOf('renovate/node-20.x'),
          await keysOf('dependabot/npm_and_yarn/axios-1.6.0'),
          await keysOf('release-2025'),
          await keysOf('feature/proj-9-login'),
        ],
        [[], [], [], []],
      );
    });

    it('uses milliseconds for updateSequenceNumber', async () => {
      assert.equal((await build()).updateSequenceNumber, NOW);
    });

    it('defaults the display name and lastUpdated', async () => {
      const b = await build();
      assert.deepEqual([b.displayName, b.lastUpdated], ['web #7', new Date(NOW).toISOString()]);
    });

    it('adds explicit --issue-keys before the branch keys, de-duplicated', async () => {
      assert.deepEqual((await build({ issueKeys: 'ops-1, PROJ-9' })).associations?.[0]?.values, ['OPS-1', 'PROJ-9']);
    });

    it('refuses a state outside the closed set, naming --state', async () => {
      await assert.rejects(
        build({ state: 'green' }),
        (e: Error) => e instanceof UsageError && /^--state: expected one of pending, in_progress/.test(e.message),
      );
    });

    it('names every bad option at once, in the order of the options, each on its own', async () => {
      await assert.rejects(
        build({
          buildNumber: 'seven',
          state: 'green',
          url: undefined,
          lastUpdated: 'yesterday',
          issueKeys: 'ok-1 nope',
          testsFailed: 'x',
          testsTotal: '3',
        }),
        (e: Error) => {
          assert.ok(e instanceof UsageError);
          assert.deepEqual(e.problems, [
            '--build-number: expected a whole number ≥ 0, got "seven"',
            '--state: expected one of pending, in_progress, successful, failed, cancelled, unknown, got "green"',
            '--url is required',
            '--last-updated: expected an ISO-8601 date-time, got "yesterday"',
            '--tests-failed: expected a whole number ≥ 0, got "x"',
            '--issue-keys: "nope" is not a Jira issue key (like PROJ-123)',
          ]);
          return true;
        },
      );
    });

    it('refuses a missing --url, naming it', async () => {
      await assert.rejects(build({ url: undefined }), /^UsageError: --url is required/);
    });

    it('refuses a malformed issue key', async () => {
      await assert.rejects(build({ issueKeys: 'not a key' }), /--issue-keys: "not" is not a Jira issue key/);
    });

    it('takes test counts from flags', async () => {
      assert.deepEqual((await build({ testsTotal: '10', testsFailed: '2', testsSkipped: '1' })).testInfo, {
        totalNumber: 10,
        numberPassed: 7,
        numberFailed: 2,
        numberSkipped: 1,
      });
    });

    it('adds commit and branch references when the repository is known', async () => {
      assert.deepEqual((await build({ commit: 'abc', repositoryUri: 'https://git.example/acme/web' })).references, [
        {
          commit: { id: 'abc', repositoryUri: 'https://git.example/acme/web' },
          ref: { name: 'feature/PROJ-9-login', uri: 'https://git.example/acme/web' },
        },
      ]);
    });

    describe("the reference's ref.uri is the branch's page, not the repository's", () => {
      const refUri = async (extra: Record<string, unknown>, context = ctx) =>
        (await build({ commit: 'abc', ...extra }, context)).references?.[0]?.ref?.uri;

      it('GitHub: /tree/<branch>, from the host; .git and credentials dropped', async () => {
        assert.equal(
          await refUri({ repositoryUri: 'https://x:y@github.com/acme/web.git' }),
          'https://github.com/acme/web/tree/feature/PROJ-9-login',
        );
      });

      it('GitLab: /-/tree/<branch>', async () => {
        assert.equal(
          await refUri({ repositoryUri: 'https://gitlab.com/acme/web' }),
          'https://gitlab.com/acme/web/-/tree/feature/PROJ-9-login',
        );
      });

      it('Bitbucket Cloud: /branch/<branch>, also from an scp-like remote', async () => {
        assert.equal(
          await refUri({ repositoryUri: 'git@bitbucket.org:acme/web.git' }),
          'https://bitbucket.org/acme/web/branch/feature/PROJ-9-login',
        );
      });

      it('self-hosted GitLab, known from GitLab CI', async () => {
        const ci = ciDefaults({
          GITLAB_CI: 'true',
          CI_PROJECT_URL: 'http://gitlab/acme/web',
          CI_COMMIT_BRANCH: 'PROJ-3 x',
          CI_COMMIT_SHA: 'abc',
        })!;
        assert.equal(await refUri({ branch: undefined }, { ...ctx, ci }), 'http://gitlab/acme/web/-/tree/PROJ-3%20x');
      });

      it('Gitea and Forgejo, known from their Actions: /src/branch/<branch>', async () => {
        const env = { GITHUB_SERVER_URL: 'https://10.0.0.5', GITHUB_REPOSITORY: 'acme/web', GITHUB_REF_NAME: 'PROJ-4', GITHUB_SHA: 'abc' };
        for (const marker of ['GITEA_ACTIONS', 'FORGEJO_ACTIONS']) {
          const ci = ciDefaults({ ...env, [marker]: 'true' })!;
          assert.equal(await refUri({ branch: undefined }, { ...ctx, ci }), 'https://10.0.0.5/acme/web/src/branch/PROJ-4');
        }
      });

      it('--branch-url wins', async () => {
        assert.equal(
          await refUri({ repositoryUri: 'https://github.com/acme/web', branchUrl: 'https://code.example/web/b/x' }),
          'https://code.example/web/b/x',
        );
      });

      it('an unknown forge falls back to the repository URL', async () => {
        assert.equal(await refUri({ repositoryUri: 'https://git.example/acme/web' }), 'https://git.example/acme/web');
      });

      it('a branch URL over 2000 characters is not sent: the repository URL stands in, with a warning', async () => {
        const prepared = await prepareBuild(
          { ...buildArgs, commit: 'abc', repositoryUri: 'https://github.com/acme/web', branch: `PROJ-9-${'x'.repeat(2000)}` },
          ctx,
        );
        assert.equal((prepared.event.entity as JiraBuild).references?.[0]?.ref?.uri, 'https://github.com/acme/web');
        assert.ok(prepared.warnings.some((w) => w.includes('longer than 2000')));
      });

      it('a repository URI over 2000 characters drops the references, with a warning', async () => {
        const prepared = await prepareBuild({ ...buildArgs, commit: 'abc', repositoryUri: `https://git.example/${'r'.repeat(2000)}` }, ctx);
        assert.equal((prepared.event.entity as JiraBuild).references, undefined);
        assert.ok(prepared.warnings.some((w) => w.includes('without references')));
      });
    });

    it('strips user and password from a --repository-uri before it goes into references', async () => {
      const refs = (await build({ commit: 'abc', repositoryUri: 'https://ci:s3cr3t@git.example/acme/web.git' })).references;
      assert.deepEqual(refs, [
        {
          commit: { id: 'abc', repositoryUri: 'https://git.example/acme/web.git' },
          ref: { name: 'feature/PROJ-9-login', uri: 'https://git.example/acme/web.git' },
        },
      ]);
    });

    it('strips a bare token user from a CI repository URL (Jenkins GIT_URL)', async () => {
      const ci = ciDefaults({
        JENKINS_URL: 'http://ci',
        JOB_NAME: 'web',
        BUILD_NUMBER: '7',
        BUILD_URL: 'http://ci.example/web/7',
        GIT_URL: 'https://ghp_token123@git.example/acme/web.git',
      })!;
      const b = await build({ commit: 'abc' }, { ...ctx, ci });
      assert.equal(b.references?.[0]?.commit?.repositoryUri, 'https://git.example/acme/web.git');
    });

    it("drops an http(s) remote's query, where tokens travel (GitLab's ?private_token=)", () => {
      assert.equal(
        withoutCredentials('https://gitlab.example/acme/web.git?private_token=glpat-123'),
        'https://gitlab.example/acme/web.git',
      );
      assert.equal(withoutCredentials('https://ci:pw@gitlab.example/acme/web.git?x=1'), 'https://gitlab.example/acme/web.git');
    });

    it('sends links as URIs without credentials: a space becomes %20, user:password@ goes, a bad one names the option only', async () => {
      const b = await build({ url: 'http://ci.example/job/Web Build/7' });
      assert.equal(b.url, 'http://ci.example/job/Web%20Build/7');
      const d = await deployment({ url: 'https://deployer:s3cret@ci.example/deploy/12', pipelineUrl: 'https://ci.example/p/web pipeline' });
      assert.equal(d.url, 'https://ci.example/deploy/12');
      assert.equal(d.pipeline.url, 'https://ci.example/p/web%20pipeline');
      await assert.rejects(build({ url: 'ftp://user:s3cret@ci.example/7' }), (e: Error) => {
        assert.ok(e instanceof UsageError);
        assert.equal(e.message, '--url: expected an http(s) URL');
        return true;
      });
    });

    it('keeps an scp-like remote as it is', () => {
      assert.equal(withoutCredentials('git@git.example:acme/web.git'), 'git@git.example:acme/web.git');
    });

    it('fills absent flags from CI variables; flags win', async () => {
      const ci = ciDefaults({
        GITLAB_CI: 'true',
        CI_PROJECT_PATH: 'acme/web',
        CI_PIPELINE_IID: '42',
        CI_PIPELINE_URL: 'https://gitlab.example/p/42',
        CI_COMMIT_REF_NAME: 'PROJ-5-x',
      })!;
      const b = await prepareBuild({ state: 'failed', buildNumber: '43' }, { ...ctx, ci });
      const e = b.event.entity as JiraBuild;
      assert.deepEqual([e.pipelineId, e.buildNumber, e.url, b.issueKeys], ['acme/web', 43, 'https://gitlab.example/p/42', ['PROJ-5']]);
    });

    it('names the CI when neither flag nor CI variable gives a required value', async () => {
      const ci = ciDefaults({ GITLAB_CI: 'true' })!;
      await assert.rejects(prepareBuild({ state: 'failed' }, { ...ctx, ci }), /--pipeline-id is required \(not set by gitlab either\)/);
    });
  });

  it("takes the pull request's title from CI for issue keys, upper case only, after the branch's", async () => {
    const context: SendContext = { ...ctx, ci: { ci: 'gitlab', title: 'PROJ-12 and OPS-3: fix utf-8, see web-4' } };
    const b = await prepareBuild({ ...buildArgs, issueKeys: 'WEB-1' }, context);
    assert.deepEqual(b.issueKeys, ['WEB-1', 'PROJ-9', 'PROJ-12', 'OPS-3']);
    const d = await prepareDeployment({ ...deployArgs, branch: 'main' }, context);
    assert.deepEqual(d.issueKeys, ['PROJ-12', 'OPS-3']);
  });

  describe('issue keys from a git range', () => {
    let dir: string;
    let repo: TestRepo;
    let from: string;

    before(async () => {
      dir = await tempDir('flagsync-range-');
      repo = new TestRepo(path.join(dir, 'r'));
      from = repo.commit('PROJ-1 before the range');
      repo.commit('WEB-2 inside the range');
      repo.commit('fix utf-8 handling for OPS-3\n\nAlso DEMO-4 in the body');
    });
    after(() => rm(dir, { recursive: true, force: true }));

    it('reads the messages of FROM..TO with git', async () => {
      const b = await prepareBuild({ ...buildArgs, branch: 'main', commits: `${from}..HEAD`, repo: repo.dir }, ctx);
      assert.deepEqual([...b.issueKeys].sort(), ['DEMO-4', 'OPS-3', 'WEB-2']);
    });

    it('refuses something that is not a range', async () => {
      await assert.rejects(prepareBuild({ ...buildArgs, commits: '--all', repo: repo.dir }, ctx), /--commits: expected FROM\.\.TO/);
    });

    it('refuses an empty FROM (git reads `..HEAD` as no commit at all)', async () => {
      await assert.rejects(prepareBuild({ ...buildArgs, commits: '..HEAD', repo: repo.dir }, ctx), /--commits: expected FROM\.\.TO/);
    });

    it('a revision git does not know (a shallow clone) is a warning saying what git said; the branch keys still go', async () => {
      const b = await prepareBuild({ ...buildArgs, branch: 'feature/PROJ-9-x', commits: 'nope..HEAD', repo: repo.dir }, ctx);
      assert.deepEqual(b.issueKeys, ['PROJ-9']);
      assert.match(b.warnings.join('\n'), /--commits nope\.\.HEAD: git log failed .*; commit messages not read/);
    });

    it("a branch's first push (FROM all zeros, as GitHub and GitLab give it) is a warning, not a failed step", async () => {
      const b = await prepareBuild({ ...buildArgs, branch: 'feature/PROJ-9-x', commits: `${'0'.repeat(40)}..HEAD`, repo: repo.dir }, ctx);
      assert.deepEqual(b.issueKeys, ['PROJ-9']);
      assert.match(b.warnings.join('\n'), /no earlier commit \(a branch's first push\)/);
    });
  });

  it('refuses control characters in an id (pipeline, environment, service, commit): they would be part of it in Jira', async () => {
    await assert.rejects(prepareBuild({ ...buildArgs, pipelineId: 'we\u001b[31mb\u0007' }, ctx), /--pipeline-id: control characters/);
    await assert.rejects(prepareBuild({ ...buildArgs, commit: 'abc\tdef' }, ctx), /--commit: control characters/);
  });

  describe('--junit', () => {
    it('a report that is not there (the test step crashed first) is a warning: the failed build still goes, without counts', async () => {
      const b = await prepareBuild({ ...buildArgs, state: 'failed', junit: ['no-such-reports/*.xml'] }, ctx);
      const build = b.event.entity as JiraBuild;
      assert.deepEqual([build.state, build.testInfo], ['failed', undefined]);
      assert.match(b.warnings.join('\n'), /--junit: no file matches "no-such-reports\/\*\.xml" .*: the build is sent without test counts/);
    });
  });

  describe('--last-updated', () => {
    it('is sent as RFC 3339 UTC', async () => {
      assert.equal((await build({ lastUpdated: '2026-01-02T05:04:05+02:00' })).lastUpdated, '2026-01-02T03:04:05.000Z');
    });

    for (const value of ['yesterday', 'May 1 2026', '1/2/2026', '9999-12-31T23:30:00-01:00', '0000-01-01T00:30:00+01:00']) {
      it(`refuses ${JSON.stringify(value)} naming the option`, async () => {
        await assert.rejects(
          build({ lastUpdated: value }),
          (error: Error) => error instanceof UsageError && error.message.startsWith('--last-updated:'),
        );
      });
    }
  });

  describe('deployment', () => {
    it('names every bad option at once', async () => {
      await assert.rejects(
        deployment({ environment: undefined, sequence: '-1', pipelineUrl: 'nope', environmentType: 'moon', duration: '1.5' }),
        (e: Error) => {
          assert.ok(e instanceof UsageError);
          assert.deepEqual(e.problems, [
            '--environment is required',
            '--sequence: expected a whole number ≥ 0, got "-1"',
            '--pipeline-url: expected an http(s) URL',
            '--environment-type: expected one of production, staging, testing, development, unmapped, got "moon"',
            '--duration: expected a whole number ≥ 0, got "1.5"',
          ]);
          return true;
        },
      );
    });

    it('caps issue keys and services TOGETHER at 500 association values, keeping the services, and warns naming it', async () => {
      const keys = Array.from({ length: 500 }, (_, i) => `OPS-${i + 1}`).join(',');
      const prepared = await prepareDeployment({ ...deployArgs, branch: undefined, issueKeys: keys, serviceKeys: 'svc-a,svc-b' }, ctx);
      const d = prepared.event.entity as JiraDeployment;
      const total = (d.associations ?? []).reduce((n, a) => n + a.values.length, 0);
      assert.equal(total, 500);
      assert.deepEqual(d.associations?.[1], { associationType: 'serviceIdOrKeys', values: ['svc-a', 'svc-b'] });
      assert.ok(prepared.warnings.some((w) => w.startsWith(`deployment "${d.displayName}"`) && w.includes('2 left out')));
    });

    it('counts what it leaves out of all the issue keys found, and sends each service once', async () => {
      const keys = Array.from({ length: 600 }, (_, i) => `OPS-${i + 1}`).join(',');
      const prepared = await prepareDeployment(
        { ...deployArgs, branch: undefined, issueKeys: keys, serviceKeys: 'svc-a,svc-a svc-b' },
        ctx,
      );
      const d = prepared.event.entity as JiraDeployment;
      assert.deepEqual(d.associations?.[1], { associationType: 'serviceIdOrKeys', values: ['svc-a', 'svc-b'] });
      assert.equal(d.associations?.[0]?.values.length, 498);
      assert.deepEqual(prepared.warnings, [
        `deployment "${d.displayName}": 600 issue keys and 2 services exceed Jira's 500 association values; 102 left out (498 issue keys and 2 services sent)`,
      ]);
      const keysOnly = await prepareDeployment({ ...deployArgs, branch: undefined, issueKeys: keys }, ctx);
      assert.deepEqual(keysOnly.warnings, ["600 issue keys found, only the first 500 sent (Jira's limit)"]);
    });

    describe("a CI's environment tier types the CI's environment only", () => {
      const gitlab: SendContext = {
        ...ctx,
        ci: { ...ciDefaults({ GITLAB_CI: 'true', CI_ENVIRONMENT_NAME: 'production', CI_ENVIRONMENT_TIER: 'production' })! },
      };
      it('the CI names the environment: its tier is the type', async () => {
        const d = await deployment({ environment: undefined }, gitlab);
        assert.deepEqual(d.environment, { id: 'production', displayName: 'production', type: 'production' });
      });
      it('an environment named on the command line is typed by its name, not by the tier of the CI one', async () => {
        assert.equal((await deployment({ environment: 'staging' }, gitlab)).environment.type, 'staging');
        assert.equal((await deployment({ environment: 'blue' }, gitlab)).environment.type, 'unmapped');
        assert.equal((await deployment({ environment: 'blue', environmentType: 'testing' }, gitlab)).environment.type, 'testing');
      });
      it("a display name for the CI's environment keeps its tier", async () => {
        const d = await deployment({ environment: undefined, environmentName: 'Europe (Frankfurt)' }, gitlab);
        assert.deepEqual(d.environment, { id: 'production', displayName: 'Europe (Frankfurt)', type: 'production' });
      });
    });

    it('builds pipeline, environment and a default description', async () => {
      const d = await deployment({ environmentType: 'production' });
      assert.deepEqual(
        { pipeline: d.pipeline, environment: d.environment, description: d.description, sequence: d.deploymentSequenceNumber },
        {
          pipeline: { id: 'web', displayName: 'web', url: 'http://ci.example/web/deploy/12' },
          environment: { id: 'production', displayName: 'production', type: 'production' },
          description: 'Deployment 12 of web to production',
          sequence: 12,
        },
      );
    });

    it('guesses the environment type from its name when not given', async () => {
      assert.equal((await deployment({ environment: 'stg-eu' })).environment.type, 'staging');
    });

    it('falls back to unmapped rather than guessing wrong', async () => {
      assert.equal((await deployment({ environment: 'blue' })).environment.type, 'unmapped');
    });

    it('accepts rolled_back, which builds do not have', async () => {
      assert.equal((await deployment({ state: 'rolled-back' })).state, 'rolled_back');
    });

    it('refuses a non-numeric --sequence, naming it', async () => {
      await assert.rejects(deployment({ sequence: '12a' }), /--sequence: expected a whole number/);
    });
  });
});
