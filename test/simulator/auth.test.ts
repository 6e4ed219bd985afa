import { strict as assert } from 'node:assert';
import * as sinon from 'sinon';
import { startHarness, type Harness } from './helpers';

describe('simulator: OAuth 2LO and the proxy checks', () => {
  let h: Harness;
  let clock = 1_000_000;
  before(async () => {
    h = await startHarness({ tokenTtlSeconds: 60, now: () => clock, permissions: ['featureflags', 'builds'] });
  });
  after(() => h.sim.close());
  beforeEach(() => {
    clock = 1_000_000;
    h.sim.reset();
  });

  const credentials = () => ({ grant_type: 'client_credentials', client_id: h.sim.clientId, client_secret: h.sim.clientSecret });
  const getFlag = (headers: Record<string, string>) => h.http.get(`${h.base('featureflags')}/flag/x`, { headers });

  it('grants a bearer token for a JSON body', async () => {
    const response = await h.http.post('/oauth/token', { audience: 'api.atlassian.com', ...credentials() });
    assert.equal(response.status, 200);
    assert.equal(typeof response.data.access_token, 'string');
    assert.ok(response.data.access_token.length >= 20);
    assert.equal(response.data.expires_in, 60);
    assert.equal(response.data.token_type, 'Bearer');
    assert.equal(typeof response.data.scope, 'string');
  });

  it('grants a token for a form-urlencoded body', async () => {
    const response = await h.http.post('/oauth/token', new URLSearchParams(credentials()).toString(), {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(response.status, 200);
    assert.equal(typeof response.data.access_token, 'string');
  });

  it('issues a different token each time', async () => {
    assert.notEqual(await h.token(), await h.token());
  });

  it('answers 401 access_denied for a wrong client secret', async () => {
    const response = await h.http.post('/oauth/token', { ...credentials(), client_secret: 'wrong' });
    assert.equal(response.status, 401);
    assert.deepEqual(response.data, { error: 'access_denied', error_description: 'Unauthorized' });
  });

  it('answers 401 for an unknown client id', async () => {
    const response = await h.http.post('/oauth/token', { ...credentials(), client_id: 'someone-else' });
    assert.equal(response.status, 401);
  });

  it('answers 400 unsupported_grant_type for another grant', async () => {
    const response = await h.http.post('/oauth/token', { ...credentials(), grant_type: 'authorization_code' });
    assert.equal(response.status, 400);
    assert.deepEqual(response.data, { error: 'unsupported_grant_type' });
  });

  it('never records the client secret', async () => {
    await h.token();
    assert.equal(JSON.stringify(h.sim.requests).includes(h.sim.clientSecret), false);
  });

  it('records an unparseable token request body as a placeholder, not its raw text', async () => {
    const raw = `{"grant_type":"client_credentials","client_id":"${h.sim.clientId}","client_secret":"${h.sim.clientSecret}"`;
    const response = await h.http.post('/oauth/token', raw, {
      headers: { 'Content-Type': 'application/json' },
      transformRequest: (d: unknown) => d,
    });
    assert.equal(response.status, 400);
    const recorded = (await h.http.get('/__sim/requests')).data as unknown;
    assert.equal(JSON.stringify(recorded).includes(h.sim.clientSecret), false);
    assert.deepEqual(
      h.sim.requests.map((r) => r.body),
      ['[unparsed token request body]'],
    );
  });

  it('serves the cloud id on /_edge/tenant_info without authentication', async () => {
    const response = await h.http.get('/_edge/tenant_info');
    assert.equal(response.status, 200);
    assert.deepEqual(response.data, { cloudId: h.sim.cloudId });
  });

  it('answers 401 with the proxy body when no token is sent', async () => {
    const response = await getFlag({});
    assert.equal(response.status, 401);
    assert.deepEqual(response.data, { code: 401, message: 'Unauthorized' });
  });

  it('answers 401 for a token it never issued', async () => {
    assert.equal((await getFlag({ Authorization: 'Bearer made-up' })).status, 401);
  });

  it('accepts a token before its lifetime ends', async () => {
    const headers = await h.auth();
    clock += 59_000;
    assert.equal((await getFlag(headers)).status, 404);
  });

  it('rejects a token once tokenTtlSeconds have passed on the injected clock', async () => {
    const headers = await h.auth();
    clock += 60_000;
    assert.equal((await getFlag(headers)).status, 401);
  });

  it('rejects every issued token after expireTokens()', async () => {
    const headers = await h.auth();
    h.sim.expireTokens();
    assert.equal((await getFlag(headers)).status, 401);
  });

  it('answers 404 for another cloud id', async () => {
    const response = await h.http.get('/jira/featureflags/0.1/cloud/99999999-0000-0000-0000-000000000000/flag/x', {
      headers: await h.auth(),
    });
    assert.equal(response.status, 404);
  });

  it('answers 403 for a data type the credential has no permission for', async () => {
    const response = await h.http.post(`${h.base('devinfo')}/bulk`, { repositories: [] }, { headers: await h.auth() });
    assert.equal(response.status, 403);
  });

  it('answers 404 for an unknown API version', async () => {
    const response = await h.http.get(`/jira/featureflags/0.2/cloud/${h.sim.cloudId}/flag/x`, { headers: await h.auth() });
    assert.equal(response.status, 404);
  });

  it("issues tokens for 900 seconds by default (the seed's 15 minutes), so clients meet expiry in long runs", async () => {
    const defaults = await startHarness();
    try {
      const response = await defaults.http.post('/oauth/token', {
        grant_type: 'client_credentials',
        client_id: defaults.sim.clientId,
        client_secret: defaults.sim.clientSecret,
      });
      assert.equal(response.data.expires_in, 900);
    } finally {
      await defaults.sim.close();
    }
  });

  describe('with the default clock', () => {
    let clockless: Harness;
    let fake: sinon.SinonFakeTimers | undefined;
    before(async () => {
      clockless = await startHarness({ tokenTtlSeconds: 30 });
    });
    after(() => clockless.sim.close());
    afterEach(() => fake?.restore());

    it('expires tokens by Date.now (fake Date only, so sockets keep real timers)', async () => {
      fake = sinon.useFakeTimers({ now: Date.now(), toFake: ['Date'] });
      const headers = await clockless.auth();
      fake.tick(30_000);
      const response = await clockless.http.get(`${clockless.base('featureflags')}/flag/x`, { headers });
      assert.equal(response.status, 401);
    });
  });
});
