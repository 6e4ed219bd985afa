import { strict as assert } from 'node:assert';
import { copyFile, readdir, rm } from 'node:fs/promises';
import * as path from 'node:path';
import type { JiraBuild, JiraDeployment } from '../../src/jira/payloads';
import { startSimulator, type Simulator } from '../../src/simulator';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/flagd-fixtures';
import { flagdProvider, writeSyncConfig } from '../helpers/sync-config';

/** The tests run inside whatever CI runs them: blank out every CI marker so only the command line counts. */
const noCi = {
  GITHUB_ACTIONS: '',
  GITEA_ACTIONS: '',
  FORGEJO_ACTIONS: '',
  GITLAB_CI: '',
  JENKINS_URL: '',
  JENKINS_HOME: '',
  bamboo_buildKey: '',
};

const BUILD = (c: string) => [
  'send',
  'build',
  '--config',
  c,
  '--pipeline-id',
  'web',
  '--build-number',
  '7',
  '--state',
  'successful',
  '--display-name',
  'web #7',
  '--url',
  'http://ci.example/web/7',
  '--branch',
  'feature/PROJ-9-login',
];
const DEPLOYMENT = (c: string) => [
  'send',
  'deployment',
  '--config',
  c,
  '--pipeline-id',
  'web',
  '--environment',
  'production',
  '--environment-type',
  'production',
  '--sequence',
  '12',
  '--state',
  'successful',
  '--url',
  'http://ci.example/web/deploy/12',
  '--branch',
  'feature/PROJ-9-login',
];

describe('flagsync send (CLI as a process)', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let dir: string;
  let c: string;

  beforeEach(async () => {
    sim = await startSimulator({});
    dir = await tempDir('flagsync-send-');
    c = path.join(dir, 'c.yaml');
    await copyFile(await writeSyncConfig(dir, sim, [flagdProvider('demo', dir)]), c);
  });
  afterEach(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('services a deployment links to', () => {
    beforeEach(async () => {
      await sim.close();
      sim = await startSimulator({ services: ['checkout'] });
      await copyFile(await writeSyncConfig(dir, sim, [flagdProvider('demo', dir)]), c);
    });

    it('one Jira does not know is named; the deployment goes on through what it knows', async () => {
      const result = await runCli([...DEPLOYMENT(c), '--service-keys', 'checkout,chekout'], noCi);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /accepted by Jira, linked to PROJ-9, services checkout \(unknown to Jira: services chekout\)$/m);
    });

    it('linked through unknown services alone, it is rejected, naming them', async () => {
      const args = DEPLOYMENT(c).filter((a, i, all) => a !== '--branch' && all[i - 1] !== '--branch');
      const result = await runCli([...args, '--service-keys', 'chekout'], noCi);
      assert.equal(result.code, 1, result.stdout);
      assert.match(
        result.stderr,
        /rejected by Jira: No valid issues or services found for deployment \(unknown to Jira: services chekout\)/,
      );
    });
  });

  it("the issue's build command line sends one build linked to PROJ-9 and exits 0", async () => {
    const result = await runCli(BUILD(c), noCi);
    assert.equal(result.code, 0, result.stderr);
    const builds = sim.stored('builds') as JiraBuild[];
    assert.deepEqual(
      builds.map((b) => [b.pipelineId, b.buildNumber, b.state, b.displayName, b.associations]),
      [['web', 7, 'successful', 'web #7', [{ associationType: 'issueIdOrKeys', values: ['PROJ-9'] }]]],
    );
  });

  it('bad options: one line per problem, each naming its option, exit 2, nothing sent', async () => {
    const args = BUILD(c).map((a, i, all) => (all[i - 1] === '--build-number' ? 'seven' : all[i - 1] === '--url' ? 'ci.example/7' : a));
    const result = await runCli([...args, '--last-updated', 'yesterday'], noCi);
    assert.equal(result.code, 2, result.stderr);
    assert.deepEqual(
      result.stderr
        .trim()
        .split('\n')
        .filter((line) => line.startsWith('flagsync send:')),
      [
        'flagsync send: --build-number: expected a whole number ≥ 0, got "seven"',
        'flagsync send: --url: expected an http(s) URL',
        'flagsync send: --last-updated: expected an ISO-8601 date-time, got "yesterday"',
      ],
    );
    assert.equal(sim.requests.length, 0);
  });

  it('a deployment has no build references: --commit and --repository-uri are ignored with a warning, and hidden', async () => {
    const result = await runCli([...DEPLOYMENT(c), '--commit', 'abc123', '--repository-uri', 'https://git.example/web.git'], noCi);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /^warning: --commit and --repository-uri: build options, ignored for a deployment/m);
    const help = await runCli(['send', 'deployment', '--help']);
    assert.doesNotMatch(help.stdout, /--commit |--repository-uri/);
  });

  it("the issue's deployment command line sends one deployment linked to PROJ-9 and exits 0", async () => {
    const result = await runCli(DEPLOYMENT(c), noCi);
    assert.equal(result.code, 0, result.stderr);
    const deployments = sim.stored('deployments') as JiraDeployment[];
    assert.deepEqual(
      deployments.map((d) => [d.pipeline.id, d.environment, d.deploymentSequenceNumber, d.associations]),
      [
        [
          'web',
          { id: 'production', displayName: 'production', type: 'production' },
          12,
          [{ associationType: 'issueIdOrKeys', values: ['PROJ-9'] }],
        ],
      ],
    );
  });

  it("exits 1 with Jira's message when Jira rejects the build", async () => {
    const args = BUILD(c).map((a) => (a === 'feature/PROJ-9-login' ? 'feature/NOPE-9-login' : a));
    const result = await runCli(args, noCi);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /rejected by Jira: No valid issues found for build/);
  });

  it('exits 2 with one line naming the bad option, sending nothing', async () => {
    const args = BUILD(c).map((a) => (a === 'successful' ? 'green' : a));
    const result = await runCli(args, noCi);
    assert.deepEqual(
      [
        result.code,
        result.stderr
          .trim()
          .split('\n')
          .filter((l) => l.includes('--state')).length,
      ],
      [2, 1],
    );
    assert.equal(sim.requests.length, 0);
  });

  it('--dry-run prints the JSON that would be sent, without the client secret', async () => {
    const result = await runCli([...DEPLOYMENT(c), '--dry-run'], noCi);
    assert.equal(result.code, 0, result.stderr);
    const body = JSON.parse(result.stdout) as { deployments: JiraDeployment[] };
    assert.equal(body.deployments[0]?.deploymentSequenceNumber, 12);
    assert.ok(!result.stdout.includes(sim.clientSecret));
    assert.equal(sim.requests.length, 0);
  });

  it('--json with no issue key to link: one JSON object on stdout saying it was skipped (exit 0), the line on stderr', async () => {
    const args = BUILD(c).map((a) => (a === 'feature/PROJ-9-login' ? 'chore/cleanup' : a));
    const result = await runCli([...args, '--json'], noCi);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { status: 'skipped', id: 'web/7', reason: 'no issue keys found' });
    assert.match(result.stderr, /skipped, no issue keys found/);
    assert.equal(sim.requests.length, 0);
  });

  it('--spool also keeps a build Jira refused for every event alike (a missing permission), not for itself', async () => {
    const spool = path.join(dir, 'spool');
    sim.injectFault({ type: 'status', status: 403, path: '/builds/', times: 4, body: [{ message: 'missing the Builds permission' }] });
    const spooled = await runCli([...BUILD(c), '--spool', spool, '--json'], noCi);
    assert.equal(spooled.code, 0, spooled.stderr);
    const answer = JSON.parse(spooled.stdout) as { status: string; reason: string; file: string };
    assert.equal(answer.status, 'spooled');
    assert.match(answer.reason, /Jira did not take it: .*403/);
    assert.match(spooled.stderr, /Jira did not take it: .*403.*; spooled to/);
    sim.clearFaults();
    const drained = await runCli(['send', 'drain', '--config', c, '--spool', spool], noCi);
    assert.equal(drained.code, 0, drained.stderr);
    assert.deepEqual(
      (sim.stored('builds') as JiraBuild[]).map((b) => b.buildNumber),
      [7],
    );
    // A 400 for the build's own request never goes: not spooled, exit 1.
    sim.injectFault({ type: 'status', status: 400, path: '/builds/', times: 1, body: [{ message: 'malformed' }] });
    const refused = await runCli([...BUILD(c), '--spool', spool], noCi);
    assert.equal(refused.code, 1);
    assert.equal((await readdir(spool)).filter((f) => f.endsWith('.event.json')).length, 0);
  });

  it('--spool keeps the build while Jira is down; send drain delivers it once Jira is back', async () => {
    const port = Number(new URL(sim.url).port);
    await sim.close();
    const spool = path.join(dir, 'spool');
    const spooled = await runCli([...BUILD(c), '--spool', spool], noCi);
    assert.equal(spooled.code, 0, spooled.stderr);
    assert.match(spooled.stdout, /spooled to/);
    assert.equal((await readdir(spool)).filter((f) => f.endsWith('.event.json')).length, 1);
    sim = await startSimulator({ port });
    const drained = await runCli(['send', 'drain', '--config', c, '--spool', spool], noCi);
    assert.equal(drained.code, 0, drained.stderr);
    assert.deepEqual(
      (sim.stored('builds') as JiraBuild[]).map((b) => b.buildNumber),
      [7],
    );
    assert.deepEqual(
      (await readdir(spool)).filter((f) => f.endsWith('.event.json')),
      [],
    );
  });
});
