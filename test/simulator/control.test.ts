import { strict as assert } from 'node:assert';
import { flag, type Harness, useHarness } from './helpers';

describe('simulator: /__sim controls over HTTP', () => {
  let h: Harness;
  let headers: { Authorization: string };
  useHarness((harness, auth) => {
    h = harness;
    headers = auth;
  });

  const submitFlag = () => h.http.post(`${h.base('featureflags')}/bulk`, { flags: [flag('ff-1')] }, { headers });

  it('GET /__sim/store/{kind} returns what Jira holds', async () => {
    await submitFlag();
    const response = await h.http.get('/__sim/store/featureflags');
    assert.equal(response.status, 200);
    assert.equal(response.data[0].id, 'ff-1');
    assert.deepEqual(response.data, h.sim.stored('featureflags'));
  });

  it('GET /__sim/store/{kind} answers 404 for an unknown kind', async () => {
    assert.equal((await h.http.get('/__sim/store/widgets')).status, 404);
  });

  it('GET /__sim/requests lists requests in order, token call included, with their status', async () => {
    await submitFlag();
    const response = await h.http.get('/__sim/requests');
    assert.deepEqual(
      response.data.map((r: { method: string; path: string; status: number }) => [r.method, r.path, r.status]),
      [
        ['POST', '/oauth/token', 200],
        ['POST', `${h.base('featureflags')}/bulk`, 202],
      ],
    );
    assert.equal(response.data[1].body.flags[0].id, 'ff-1');
  });

  it('does not record its own control requests', async () => {
    await h.http.get('/__sim/requests');
    assert.equal(
      h.sim.requests.some((r) => r.path.startsWith('/__sim')),
      false,
    );
  });

  it('records the query of a request', async () => {
    await h.http.delete(`${h.base('featureflags')}/bulkByProperties`, { headers, params: { source: 'x' } });
    assert.deepEqual(h.sim.requests.at(-1)?.query, { source: 'x' });
  });

  it('POST /__sim/faults injects a fault', async () => {
    const injected = await h.http.post('/__sim/faults', { type: 'status', status: 429, retryAfter: 3, path: '/bulk' });
    assert.equal(injected.status, 204);
    const response = await submitFlag();
    assert.equal(response.status, 429);
    assert.equal(response.headers['retry-after'], '3');
  });

  it('POST /__sim/faults answers 400 naming the problem for an invalid fault', async () => {
    const response = await h.http.post('/__sim/faults', { type: 'explode' });
    assert.equal(response.status, 400);
    assert.match(response.data.error, /type/);
  });

  it('POST /__sim/expire-tokens invalidates issued tokens', async () => {
    assert.equal((await h.http.post('/__sim/expire-tokens')).status, 204);
    assert.equal((await submitFlag()).status, 401);
  });

  it('POST /__sim/reset empties store, requests and faults', async () => {
    await submitFlag();
    await h.http.post('/__sim/faults', { type: 'status', status: 503 });
    assert.equal((await h.http.post('/__sim/reset')).status, 204);
    assert.deepEqual(h.sim.stored('featureflags'), []);
    assert.deepEqual(h.sim.requests, []);
    headers = await h.auth();
    assert.equal((await submitFlag()).status, 202);
  });

  it('clearRequests() forgets recorded requests but keeps the store', async () => {
    await submitFlag();
    h.sim.clearRequests();
    assert.equal(h.sim.requests.length, 0);
    assert.equal(h.sim.stored('featureflags').length, 1);
  });
});
