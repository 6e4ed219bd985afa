import { strict as assert } from 'node:assert';
import { flag, type Harness, useHarness } from './helpers';

describe('simulator: injected faults', () => {
  let h: Harness;
  let headers: { Authorization: string };
  useHarness((harness, auth) => {
    h = harness;
    headers = auth;
  });

  const submitFlag = (id = 'ff-1') => h.http.post(`${h.base('featureflags')}/bulk`, { flags: [flag(id)] }, { headers });

  it("answers 429 with Retry-After and Jira's array error body", async () => {
    h.sim.injectFault({ type: 'status', status: 429, retryAfter: 7, path: '/featureflags/' });
    const response = await submitFlag();
    assert.equal(response.status, 429);
    assert.equal(response.headers['retry-after'], '7');
    assert.ok(Array.isArray(response.data) && typeof response.data[0].message === 'string');
  });

  it('does not store the entities of a faulted request', async () => {
    h.sim.injectFault({ type: 'status', status: 503 });
    await submitFlag();
    assert.equal(h.sim.storedFlag('ff-1'), undefined);
  });

  it('answers 503 with the devinfo object body on devinfo paths', async () => {
    h.sim.injectFault({ type: 'status', status: 503, path: '/devinfo/' });
    const response = await h.http.post(`${h.base('devinfo')}/bulk`, {}, { headers });
    assert.equal(response.status, 503);
    assert.equal(response.headers['retry-after'], undefined);
    assert.ok(Array.isArray(response.data.errorMessages));
  });

  it('answers with the given body when one is set', async () => {
    h.sim.injectFault({ type: 'status', status: 500, body: { custom: true } });
    assert.deepEqual((await submitFlag()).data, { custom: true });
  });

  it('is consumed after one matching request by default', async () => {
    h.sim.injectFault({ type: 'status', status: 503 });
    assert.equal((await submitFlag()).status, 503);
    assert.equal((await submitFlag()).status, 202);
  });

  it('applies to exactly `times` matching requests', async () => {
    h.sim.injectFault({ type: 'status', status: 503, times: 2 });
    const statuses = [(await submitFlag()).status, (await submitFlag()).status, (await submitFlag()).status];
    assert.deepEqual(statuses, [503, 503, 202]);
  });

  it('skips requests whose method does not match', async () => {
    h.sim.injectFault({ type: 'status', status: 503, method: 'DELETE' });
    assert.equal((await submitFlag()).status, 202);
    assert.equal((await h.http.delete(`${h.base('featureflags')}/flag/ff-1`, { headers })).status, 503);
  });

  it('skips requests whose path does not contain the fault path', async () => {
    h.sim.injectFault({ type: 'status', status: 503, path: '/builds/' });
    assert.equal((await submitFlag()).status, 202);
  });

  it('consumes faults in order of injection', async () => {
    h.sim.injectFault({ type: 'status', status: 429 });
    h.sim.injectFault({ type: 'status', status: 503 });
    assert.deepEqual([(await submitFlag()).status, (await submitFlag()).status], [429, 503]);
  });

  it('can fault the token endpoint', async () => {
    h.sim.injectFault({ type: 'status', status: 500, path: '/oauth/token' });
    await assert.rejects(h.token(), /answered 500/);
  });

  it('drops the connection without answering', async () => {
    h.sim.injectFault({ type: 'drop', path: '/featureflags/' });
    await assert.rejects(
      submitFlag(),
      (error: NodeJS.ErrnoException) => error.code === 'ECONNRESET' || /socket hang up/.test(error.message),
    );
    assert.equal(h.sim.requests.at(-1)?.status, 0);
  });

  it('delays the answer, then handles the request normally', async () => {
    h.sim.injectFault({ type: 'delay', ms: 150, path: '/featureflags/' });
    const started = Date.now();
    const response = await submitFlag();
    assert.ok(Date.now() - started >= 140, `answered after ${Date.now() - started} ms`);
    assert.equal(response.status, 202);
    assert.notEqual(h.sim.storedFlag('ff-1'), undefined);
  });

  it('lets a later request overtake a delayed one', async () => {
    h.sim.injectFault({ type: 'delay', ms: 200, path: '/flag/slow' });
    const order: string[] = [];
    const slow = h.http.get(`${h.base('featureflags')}/flag/slow`, { headers }).then(() => order.push('slow'));
    const fast = h.http.get(`${h.base('featureflags')}/flag/fast`, { headers }).then(() => order.push('fast'));
    await Promise.all([slow, fast]);
    assert.deepEqual(order, ['fast', 'slow']);
  });

  it('refuses a malformed fault', () => {
    assert.throws(() => h.sim.injectFault({ type: 'status', status: 42 }), /status/);
  });

  it('is cleared by reset()', async () => {
    h.sim.injectFault({ type: 'status', status: 503 });
    h.sim.reset();
    headers = await h.auth();
    assert.equal((await submitFlag()).status, 202);
  });
});
