import { strict as assert } from 'node:assert';
import { copyFile, readdir, rm, writeFile } from 'node:fs/promises';
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

  it('--dry-run prints the body the send then posts: providerMetadata, the entity and nothing else', async () => {
    const args = [...BUILD(c), '--last-updated', '2026-11-30T10:00:00Z'];
    const dry = await runCli([...args, '--dry-run'], noCi);
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal(sim.requests.length, 0);
    const sent = await runCli(args, noCi);
    assert.equal(sent.code, 0, sent.stderr);
    const posted = sim.requests.find((r) => r.method === 'POST' && r.path.includes('/builds/0.1/') && r.path.endsWith('/bulk'));
    assert.ok(posted !== undefined, JSON.stringify(sim.requests.map((r) => r.path)));
    // The one difference: the sequence number is the time of each send.
    const bodyOf = (text: string) => JSON.parse(text.replace(/"updateSequenceNumber": ?\d+/, '"updateSequenceNumber":0')) as unknown;
    assert.deepEqual(bodyOf(dry.stdout), bodyOf(JSON.stringify(posted.body)));
    assert.match((posted.body as { providerMetadata: { product: string } }).providerMetadata.product, /^flagsync \d+\.\d+\.\d+/);
  });

  it("GitHub Actions: the pull request's title in the event payload names issue keys (upper case only), beside the branch's", async () => {
    const event = path.join(dir, 'event.json');
    await writeFile(event, JSON.stringify({ action: 'opened', pull_request: { number: 5, title: 'PROJ-9: login, see also proj-10' } }));
    const args = BUILD(c).map((a) => (a === 'feature/PROJ-9-login' ? 'chore/cleanup' : a));
    const env = { ...noCi, GITHUB_ACTIONS: 'true', GITHUB_EVENT_PATH: event, GITHUB_REPOSITORY: 'acme/web', GITHUB_RUN_NUMBER: '7' };
    const result = await runCli([...args, '--dry-run'], env);
    assert.equal(result.code, 0, result.stderr);
    const body = JSON.parse(result.stdout) as { builds: JiraBuild[] };
    assert.deepEqual(body.builds[0]?.associations, [{ associationType: 'issueIdOrKeys', values: ['PROJ-9'] }]);
    await writeFile(event, JSON.stringify({ ref: 'refs/heads/main', head_commit: { message: 'PROJ-11 pushed' } }));
    const push = await runCli([...args, '--json'], env);
    assert.deepEqual(JSON.parse(push.stdout), { status: 'skipped', id: 'web/7', reason: 'no issue keys found' });
    assert.match(push.stderr, /no issue keys found in --issue-keys, the branch name, the pull request's title or the commit messages/);
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

  it('--spool into a folder that cannot be made while Jira is down: says the event is not kept, exit 1', async () => {
    await sim.close();
    const notAFolder = path.join(dir, 'plain-file');
    await writeFile(notAFolder, '');
    const spool = path.join(notAFolder, 'spool');
    const result = await runCli([...BUILD(c), '--spool', spool, '--json'], noCi);
    assert.equal(result.code, 1, result.stderr);
    const answer = JSON.parse(result.stdout) as { status: string; spoolError: string };
    assert.equal(answer.status, 'unreachable');
    assert.match(answer.spoolError, /^cannot spool to .*plain-file\/spool \(ENOTDIR: not a directory\)$/);
    assert.match(result.stderr, /Jira cannot be reached: .*; cannot spool to .*; the event is not kept: run this step again/);
    sim = await startSimulator({ port: Number(new URL(sim.url).port) });
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
