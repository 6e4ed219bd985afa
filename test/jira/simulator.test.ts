import assert from 'node:assert/strict';
import {
  buildId,
  buildsKind,
  createJiraClient,
  deploymentsKind,
  devinfoKind,
  featureFlagsKind,
  JiraAuthError,
  type EntityOutcome,
  type JiraBuild,
  type JiraClientSettings,
  type JiraDeployment,
} from '../../src/jira';
import { startSimulator, type Simulator } from '../../src/simulator';
import { flag, flags, repository } from './entities';
import { fastDeps } from './fake-jira';

const errorOf = (outcome: EntityOutcome | undefined) => (outcome !== undefined && outcome.status === 'failed' ? outcome.error : '');

function settingsFor(sim: Simulator, overrides: Partial<JiraClientSettings> = {}): JiraClientSettings {
  return {
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    tokenUrl: `${sim.url}/oauth/token`,
    apiBaseUrl: sim.url,
    site: sim.url,
    ...overrides,
  };
}

const bulkPosts = (sim: Simulator) => sim.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/bulk'));

const build = (pipelineId: string, buildNumber: number): JiraBuild => ({
  pipelineId,
  buildNumber,
  updateSequenceNumber: 1,
  displayName: `${pipelineId} #${buildNumber}`,
  url: 'https://ci.example/b/1',
  state: 'successful',
  lastUpdated: '2026-01-02T03:04:05Z',
  associations: [{ associationType: 'issueIdOrKeys', values: ['PROJ-1'] }],
});

const deployment = (seq: number): JiraDeployment => ({
  deploymentSequenceNumber: seq,
  updateSequenceNumber: 1,
  displayName: `deploy ${seq}`,
  url: 'https://cd.example/d/1',
  description: 'web to prod',
  lastUpdated: '2026-01-02T03:04:05Z',
  state: 'successful',
  pipeline: { id: 'web deploy', displayName: 'web deploy', url: 'https://cd.example/p' },
  environment: { id: 'prod-eu', displayName: 'prod eu', type: 'production' },
  associations: [{ associationType: 'issueIdOrKeys', values: ['PROJ-2'] }],
});

describe('jira client against the simulator', () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('stores submitted flags, resolving the cloud id from the site', async () => {
    sim = await startSimulator();
    const report = await createJiraClient(settingsFor(sim), fastDeps().deps).submit(featureFlagsKind, flags(101));
    assert.equal(report.outcomes.filter((o) => o.status === 'accepted').length, 101);
    assert.equal(sim.stored('featureflags').length, 101);
    assert.equal(bulkPosts(sim).length, 2);
  });

  it('reports unknown issue keys per flag', async () => {
    sim = await startSimulator();
    const report = await createJiraClient(settingsFor(sim), fastDeps().deps).submit(featureFlagsKind, [
      flag('a', ['PROJ-1', 'NOPE-9']),
      flag('b', ['PROJ-2']),
    ]);
    assert.deepEqual(
      report.outcomes.map((o) => (o.status === 'failed' ? [] : o.unknownIssueKeys)),
      [['NOPE-9'], []],
    );
  });

  it('recovers from expired tokens with one refresh', async () => {
    sim = await startSimulator();
    const client = createJiraClient(settingsFor(sim), fastDeps().deps);
    await client.submit(featureFlagsKind, [flag('a')]);
    sim.expireTokens();
    sim.clearRequests();
    const report = await client.submit(featureFlagsKind, [flag('b')]);
    assert.equal(report.outcomes[0]?.status, 'accepted');
    assert.equal(sim.requests.filter((r) => r.path === '/oauth/token').length, 1);
    // The 401 and the retry after it both reached Jira, and the request count says so.
    assert.equal(sim.requests.filter((r) => r.path.endsWith('/bulk')).length, 2);
    assert.equal(report.requests, 2);
  });

  it('throws JiraAuthError for a wrong client secret', async () => {
    sim = await startSimulator();
    const client = createJiraClient(settingsFor(sim, { clientSecret: 'wrong-secret' }), fastDeps().deps);
    await assert.rejects(client.submit(featureFlagsKind, [flag('a')]), JiraAuthError);
  });

  it('honours a 429 Retry-After from the simulator', async () => {
    sim = await startSimulator();
    sim.injectFault({ type: 'status', status: 429, retryAfter: 3, path: '/bulk' });
    const { deps, sleeps } = fastDeps();
    const report = await createJiraClient(settingsFor(sim), deps).submit(featureFlagsKind, [flag('a')]);
    assert.deepEqual(sleeps, [3000]);
    assert.equal(report.outcomes[0]?.status, 'accepted');
  });

  it("honours the token endpoint's Retry-After (a 429 or 503 for the token), as Jira's own", async () => {
    sim = await startSimulator();
    sim.injectFault({ type: 'status', status: 429, retryAfter: 30, path: '/oauth/token', times: 2 });
    const { deps, sleeps } = fastDeps();
    const report = await createJiraClient(settingsFor(sim), deps).submit(featureFlagsKind, [flag('a')]);
    assert.deepEqual(sleeps, [30_000, 30_000]);
    assert.equal(report.outcomes[0]?.status, 'accepted');
  });

  it('gives up on a token endpoint asking to wait past maxRetryAfterMs, naming it', async () => {
    sim = await startSimulator();
    sim.injectFault({ type: 'status', status: 503, retryAfter: 3600, path: '/oauth/token', times: 1 });
    const { deps, sleeps } = fastDeps();
    const report = await createJiraClient(settingsFor(sim, { maxRetryAfterMs: 60_000 }), deps).submit(featureFlagsKind, [flag('a')]);
    assert.deepEqual(sleeps, []);
    const outcome = report.outcomes[0];
    assert.ok(outcome?.status === 'failed' && /the token endpoint's Retry-After/.test(outcome.error), JSON.stringify(outcome));
  });

  it('waits for X-RateLimit-Reset on a 429 that has no Retry-After', async () => {
    sim = await startSimulator();
    sim.injectFault({ type: 'status', status: 429, rateLimitReset: 5, path: '/bulk' });
    const { deps, sleeps } = fastDeps();
    const report = await createJiraClient(settingsFor(sim), deps).submit(featureFlagsKind, [flag('a')]);
    assert.equal(sleeps.length, 1);
    assert.ok(sleeps[0]! > 4000 && sleeps[0]! <= 5000, `waited ${sleeps[0]} ms`);
    assert.equal(report.outcomes[0]?.status, 'accepted');
  });

  it('a reset time already past (clocks differ) is no reason to retry back to back: the backoff stands', async () => {
    sim = await startSimulator();
    sim.injectFault({ type: 'status', status: 429, rateLimitReset: 0, path: '/bulk' });
    const { deps, sleeps } = fastDeps();
    const report = await createJiraClient(settingsFor(sim), deps).submit(featureFlagsKind, [flag('a')]);
    assert.equal(sleeps.length, 1);
    assert.ok(sleeps[0]! > 0, `waited ${sleeps[0]} ms`);
    assert.equal(report.outcomes[0]?.status, 'accepted');
  });

  it('fails clearly after a 503 storm, storing nothing', async () => {
    sim = await startSimulator();
    sim.injectFault({ type: 'status', status: 503, path: '/bulk', times: 100 });
    const report = await createJiraClient(settingsFor(sim, { maxAttempts: 3 }), fastDeps().deps).submit(featureFlagsKind, flags(3));
    assert.match(errorOf(report.outcomes[0]), /HTTP 503 after 3 attempt/);
    assert.equal(sim.stored('featureflags').length, 0);
  });

  it('retries a dropped connection', async () => {
    sim = await startSimulator();
    sim.injectFault({ type: 'drop', path: '/bulk' });
    const report = await createJiraClient(settingsFor(sim), fastDeps().deps).submit(featureFlagsKind, [flag('a')]);
    assert.equal(report.outcomes[0]?.status, 'accepted');
  });

  it('names the missing permission when the credential lacks feature flags', async () => {
    sim = await startSimulator({ permissions: ['builds'] });
    const report = await createJiraClient(settingsFor(sim), fastDeps().deps).submit(featureFlagsKind, [flag('a')]);
    assert.match(errorOf(report.outcomes[0]), /"Feature flags" permission/);
  });

  it('splits on the simulator 413 until every flag is stored', async () => {
    sim = await startSimulator({ maxBodyBytes: 8000 });
    const report = await createJiraClient(settingsFor(sim), fastDeps().deps).submit(featureFlagsKind, flags(40));
    assert.equal(report.outcomes.filter((o) => o.status === 'accepted').length, 40);
    assert.ok(sim.requests.some((r) => r.status === 413));
  });

  it('stores a build whose pipeline id has spaces and slashes, then gets and deletes it by id', async () => {
    sim = await startSimulator();
    const client = createJiraClient(settingsFor(sim), fastDeps().deps);
    const report = await client.submit(buildsKind, [build('Test Pipeline/main', 36)]);
    assert.deepEqual(report.outcomes, [{ id: buildId('Test Pipeline/main', 36), status: 'accepted', unknownIssueKeys: [] }]);
    assert.equal(((await client.get(buildsKind, buildId('Test Pipeline/main', 36))) as { buildNumber: number }).buildNumber, 36);
    assert.deepEqual(await client.deleteById(buildsKind, [buildId('Test Pipeline/main', 36)]), [
      { id: buildId('Test Pipeline/main', 36), ok: true },
    ]);
  });

  it('fails a delete by id that the simulator answers 404 for a wrong cloud id, naming the cause', async () => {
    sim = await startSimulator();
    const outcomes = await createJiraClient(settingsFor(sim, { cloudId: 'wrong-cloud', site: undefined }), fastDeps().deps).deleteById(
      featureFlagsKind,
      ['a'],
    );
    assert.equal(outcomes[0]?.ok, false);
    assert.match(outcomes[0]?.error ?? '', /HTTP 404, the URL was not found \(check jira\.cloudId/);
  });

  it('stores deployments', async () => {
    sim = await startSimulator();
    const report = await createJiraClient(settingsFor(sim), fastDeps().deps).submit(deploymentsKind, [deployment(1), deployment(2)]);
    assert.deepEqual(
      report.outcomes.map((o) => o.status),
      ['accepted', 'accepted'],
    );
  });

  it('stores devinfo repositories, splitting at 1000 nested entities', async () => {
    sim = await startSimulator();
    const repos = [repository('r1', 400), repository('r2', 400), repository('r3', 201)];
    const report = await createJiraClient(settingsFor(sim), fastDeps().deps).submit(devinfoKind, repos);
    assert.deepEqual(
      report.outcomes.map((o) => o.status),
      ['accepted', 'accepted', 'accepted'],
    );
    assert.equal(bulkPosts(sim).length, 2);
  });
});
