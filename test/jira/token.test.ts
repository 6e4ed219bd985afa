import assert from 'node:assert/strict';
import axios from 'axios';
import sinon from 'sinon';
import { createJiraClient, featureFlagsKind, JiraAuthError, TokenProvider } from '../../src/jira';
import { silentLogger } from '../../src/log';
import { flag, flags } from './entities';
import { CLIENT_ID, CLIENT_SECRET, fastDeps, startFakeJira, type FakeJira, type Handler } from './fake-jira';

/** A token endpoint that issues numbered tokens with the given lifetime, optionally after a delay. */
function issuing(expiresIn: number | undefined, delayMs = 0): Handler {
  let n = 0;
  return async () => {
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    n++;
    return { status: 200, body: { access_token: `token-${n}`, ...(expiresIn === undefined ? {} : { expires_in: expiresIn }) } };
  };
}

describe('jira token handling', () => {
  let fake: FakeJira | undefined;
  let clock: sinon.SinonFakeTimers | undefined;
  afterEach(async () => {
    clock?.restore();
    clock = undefined;
    await fake?.close();
    fake = undefined;
  });

  it('asks the token endpoint with the documented JSON body', async () => {
    fake = await startFakeJira({ token: issuing(3600) });
    await createJiraClient(fake.settings(), fastDeps().deps).submit(featureFlagsKind, [flag('a')]);
    assert.deepEqual(fake.tokenRequests()[0]?.body, {
      audience: 'api.atlassian.com',
      grant_type: 'client_credentials',
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
  });

  it('reuses a cached token across submits', async () => {
    fake = await startFakeJira({ token: issuing(3600) });
    const client = createJiraClient(fake.settings(), fastDeps().deps);
    await client.submit(featureFlagsKind, [flag('a')]);
    await client.submit(featureFlagsKind, [flag('b')]);
    assert.equal(fake.tokenRequests().length, 1);
    assert.deepEqual(
      fake.apiRequests().map((r) => r.authorization),
      ['Bearer token-1', 'Bearer token-1'],
    );
  });

  it('keeps the token until 60 s before expires_in runs out', async () => {
    clock = sinon.useFakeTimers({ toFake: ['Date'], now: 1_000_000 });
    fake = await startFakeJira({ token: issuing(600) });
    const client = createJiraClient(fake.settings(), { ...fastDeps().deps, now: () => Date.now() });
    await client.submit(featureFlagsKind, [flag('a')]);
    clock.tick(539_000);
    await client.submit(featureFlagsKind, [flag('b')]);
    assert.equal(fake.tokenRequests().length, 1);
  });

  it('refreshes the token once it is within 60 s of expiry', async () => {
    clock = sinon.useFakeTimers({ toFake: ['Date'], now: 1_000_000 });
    fake = await startFakeJira({ token: issuing(600) });
    const client = createJiraClient(fake.settings(), { ...fastDeps().deps, now: () => Date.now() });
    await client.submit(featureFlagsKind, [flag('a')]);
    clock.tick(540_000);
    await client.submit(featureFlagsKind, [flag('b')]);
    assert.equal(fake.tokenRequests().length, 2);
    assert.equal(fake.apiRequests()[1]?.authorization, 'Bearer token-2');
  });

  it('on a 401 fetches a new token and retries the call once', async () => {
    fake = await startFakeJira({
      token: issuing(3600),
      api: (req) =>
        req.authorization === 'Bearer token-1'
          ? { status: 401, body: { code: 401, message: 'Unauthorized' } }
          : { status: 202, body: { acceptedFeatureFlags: ['a'] } },
    });
    const report = await createJiraClient(fake.settings(), fastDeps().deps).submit(featureFlagsKind, [flag('a')]);
    assert.deepEqual(report.outcomes, [{ id: 'a', status: 'accepted', unknownIssueKeys: [] }]);
    assert.deepEqual(
      fake.apiRequests().map((r) => r.authorization),
      ['Bearer token-1', 'Bearer token-2'],
    );
  });

  it('fails the entities when the retried call gets a second 401', async () => {
    fake = await startFakeJira({ token: issuing(3600), api: () => ({ status: 401, body: { code: 401, message: 'Unauthorized' } }) });
    const report = await createJiraClient(fake.settings(), fastDeps().deps).submit(featureFlagsKind, [flag('a')]);
    assert.equal(fake.apiRequests().length, 2);
    assert.equal(report.outcomes[0]?.status, 'failed');
    assert.match((report.outcomes[0] as { error: string }).error, /401/);
  });

  it('shares one token request among concurrent callers', async () => {
    fake = await startFakeJira({ token: issuing(3600, 50) });
    const http = axios.create();
    const provider = new TokenProvider({
      tokenUrl: `${fake.url}/oauth/token`,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      http: () => http,
      now: Date.now,
      logger: silentLogger,
      timeoutMs: 5000,
    });
    const tokens = await Promise.all(Array.from({ length: 8 }, () => provider.getToken()));
    assert.equal(fake.tokenRequests().length, 1);
    assert.deepEqual(new Set(tokens), new Set(['token-1']));
  });

  it('concurrent batches of one submit share one token request', async () => {
    fake = await startFakeJira({ token: issuing(3600, 50) });
    await createJiraClient(fake.settings({ concurrency: 4 }), fastDeps().deps).submit(featureFlagsKind, flags(400));
    assert.equal(fake.apiRequests().length, 4);
    assert.equal(fake.tokenRequests().length, 1);
  });

  for (const status of [401, 403]) {
    it(`turns a token endpoint ${status} into a JiraAuthError naming the client id and not the secret`, async () => {
      fake = await startFakeJira({ token: () => ({ status, body: { error: 'access_denied', error_description: 'Unauthorized' } }) });
      const client = createJiraClient(fake.settings(), fastDeps().deps);
      const error = await client.submit(featureFlagsKind, [flag('a')]).then(
        () => assert.fail('expected a JiraAuthError'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof JiraAuthError);
      assert.match(error.message, new RegExp(CLIENT_ID));
      assert.match(error.message, new RegExp(`HTTP ${status}`));
      assert.doesNotMatch(error.message, new RegExp(CLIENT_SECRET));
      assert.equal(fake.apiRequests().length, 0);
    });
  }

  const authErrorOf = async (fake: FakeJira) =>
    createJiraClient(fake.settings(), fastDeps().deps)
      .submit(featureFlagsKind, [flag('a')])
      .then(
        () => assert.fail('expected a JiraAuthError'),
        (e: unknown) => e,
      );

  it('turns a token endpoint 400 invalid_client into a fatal JiraAuthError with the OAuth error, asking once', async () => {
    fake = await startFakeJira({
      token: () => ({ status: 400, body: { error: 'invalid_client', error_description: 'Client authentication failed' } }),
    });
    const error = await authErrorOf(fake);
    assert.ok(error instanceof JiraAuthError && !error.retryable);
    assert.match(error.message, /HTTP 400: invalid_client: Client authentication failed/);
    assert.equal(fake.tokenRequests().length, 1);
  });

  it('names the token URL, status and client id of a refused token request, never the secret it echoes', async () => {
    fake = await startFakeJira({
      token: (req) => ({ status: 400, body: { error: 'invalid_request', error_description: `bad body ${JSON.stringify(req.body)}` } }),
    });
    const error = await authErrorOf(fake);
    assert.ok(error instanceof JiraAuthError);
    assert.ok(error.message.includes(`${fake.url}/oauth/token`) && error.message.includes(CLIENT_ID), error.message);
    assert.doesNotMatch(error.message, new RegExp(CLIENT_SECRET));
  });

  it('turns a token endpoint 404 (wrong tokenUrl) into a fatal JiraAuthError instead of retrying', async () => {
    fake = await startFakeJira({ token: () => ({ status: 404, body: { message: 'No route' } }) });
    const error = await authErrorOf(fake);
    assert.ok(error instanceof JiraAuthError && !error.retryable);
    assert.match(error.message, /HTTP 404: No route: the URL is wrong, no OAuth token endpoint is there; check jira\.tokenUrl/);
    assert.doesNotMatch(error.message, /refused/);
    assert.equal(fake.tokenRequests().length, 1);
  });

  for (const status of [408, 429]) {
    it(`retries a token endpoint ${status} as an outage`, async () => {
      let calls = 0;
      fake = await startFakeJira({
        token: () => (++calls === 1 ? { status } : { status: 200, body: { access_token: 'ok', expires_in: 3600 } }),
      });
      const report = await createJiraClient(fake.settings(), fastDeps().deps).submit(featureFlagsKind, [flag('a')]);
      assert.equal(report.outcomes[0]?.status, 'accepted');
    });
  }

  it('keeps the OAuth error text of a token endpoint 5xx in the retryable failure', async () => {
    fake = await startFakeJira({
      token: () => ({ status: 503, body: { error: 'temporarily_unavailable', error_description: 'try later' } }),
    });
    const report = await createJiraClient(fake.settings({ maxAttempts: 2 }), fastDeps().deps).submit(featureFlagsKind, [flag('a')]);
    const outcome = report.outcomes[0];
    assert.ok(outcome?.status === 'failed' && outcome.retryable);
    assert.match(outcome.error, /HTTP 503: temporarily_unavailable: try later/);
  });

  it('reads a numeric-string expires_in as seconds', async () => {
    clock = sinon.useFakeTimers({ toFake: ['Date'], now: 1_000_000 });
    fake = await startFakeJira({ token: () => ({ status: 200, body: { access_token: `t-${Date.now()}`, expires_in: '600' } }) });
    const client = createJiraClient(fake.settings(), { ...fastDeps().deps, now: () => Date.now() });
    await client.submit(featureFlagsKind, [flag('a')]);
    clock.tick(540_000);
    await client.submit(featureFlagsKind, [flag('b')]);
    assert.equal(fake.tokenRequests().length, 2);
  });

  for (const expiresIn of ['soon', -5, 0, null]) {
    it(`uses the access_token and treats expires_in ${JSON.stringify(expiresIn)} as missing`, async () => {
      fake = await startFakeJira({ token: () => ({ status: 200, body: { access_token: 'tok-odd', expires_in: expiresIn } }) });
      const client = createJiraClient(fake.settings(), fastDeps().deps);
      await client.submit(featureFlagsKind, [flag('a')]);
      const report = await client.submit(featureFlagsKind, [flag('b')]);
      assert.equal(report.outcomes[0]?.status, 'accepted');
      assert.deepEqual(
        [fake.tokenRequests().length, fake.apiRequests().map((r) => r.authorization)],
        [1, ['Bearer tok-odd', 'Bearer tok-odd']],
      );
    });
  }

  it('retries a token endpoint 503 instead of failing at once', async () => {
    let calls = 0;
    fake = await startFakeJira({
      token: () => (++calls === 1 ? { status: 503 } : { status: 200, body: { access_token: 'ok', expires_in: 3600 } }),
    });
    const report = await createJiraClient(fake.settings(), fastDeps().deps).submit(featureFlagsKind, [flag('a')]);
    assert.equal(report.outcomes[0]?.status, 'accepted');
  });

  it('without expires_in keeps the token until Jira answers 401', async () => {
    clock = sinon.useFakeTimers({ toFake: ['Date'], now: 1_000_000 });
    fake = await startFakeJira({ token: issuing(undefined) });
    const client = createJiraClient(fake.settings(), { ...fastDeps().deps, now: () => Date.now() });
    await client.submit(featureFlagsKind, [flag('a')]);
    clock.tick(24 * 3600_000);
    await client.submit(featureFlagsKind, [flag('b')]);
    assert.equal(fake.tokenRequests().length, 1);
  });
});
