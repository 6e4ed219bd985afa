import assert from 'node:assert/strict';
import { createJiraClient, featureFlagsKind, type EntityOutcome } from '../../src/jira';
import { CircuitBreaker } from '../../src/jira/breaker';
import { flags } from './entities';
import { acceptAll, fastDeps, startFakeJira, type FakeJira } from './fake-jira';

const stopped = (outcomes: readonly EntityOutcome[]) => outcomes.filter((o) => o.status === 'failed' && o.reason === 'aborted').length;

describe('circuit breaker: a run against a dead endpoint stops early with one reason', () => {
  let fake: FakeJira | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  /** A client whose run signal is the breaker's, as syncOnce wires it. */
  function clientWith(settings: Parameters<FakeJira['settings']>[0], threshold = 3) {
    const breaker = new CircuitBreaker(threshold);
    const { deps } = fastDeps();
    return { breaker, client: createJiraClient(fake!.settings(settings), { ...deps, breaker }) };
  }

  it('a token endpoint answering 503 stops the run after one request gave up, not once per batch', async () => {
    fake = await startFakeJira({ token: () => ({ status: 503, body: { error: 'temporarily_unavailable' } }) });
    const { breaker, client } = clientWith({ maxAttempts: 4, concurrency: 4 });
    const report = await client.submit(featureFlagsKind, flags(2000), { signal: breaker.signal });
    assert.match(breaker.reason ?? '', /^the token endpoint cannot issue a token: token request to .* answered HTTP 503/);
    // 20 batches; without the breaker every one retried its token 4 times (80 token requests).
    assert.ok(fake.tokenRequests().length <= 4 * 4, `${fake.tokenRequests().length} token requests`);
    assert.equal(fake.apiRequests().length, 0);
    assert.ok(stopped(report.outcomes) >= 2000 - 4 * 100);
  });

  it('a token endpoint asking to wait past the cap stops the run as a token failure, at once', async () => {
    fake = await startFakeJira({ token: () => ({ status: 503, headers: { 'Retry-After': '3600' } }) });
    const { breaker, client } = clientWith({ maxAttempts: 4, concurrency: 1, maxRetryAfterMs: 60_000 }, 5);
    await client.submit(featureFlagsKind, flags(1000), { signal: breaker.signal });
    assert.match(breaker.reason ?? '', /^the token endpoint cannot issue a token: token request to .* answered HTTP 503/);
    assert.equal(fake.tokenRequests().length, 1);
  });

  it('stops after N requests in a row gave up (a 503 storm), leaving the rest unsent', async () => {
    fake = await startFakeJira({ api: () => ({ status: 503 }) });
    const { breaker, client } = clientWith({ maxAttempts: 2, concurrency: 1 });
    const report = await client.submit(featureFlagsKind, flags(1000), { signal: breaker.signal });
    assert.equal(fake.apiRequests().length, 3 * 2);
    assert.match(breaker.reason ?? '', /^Jira failed 3 requests in a row \(the last: POST .*\/bulk: HTTP 503 after 2 attempt\(s\)\)/);
    assert.equal(stopped(report.outcomes), 700);
  });

  it('deletes answering 503 stop after N gave up instead of retrying every id', async () => {
    fake = await startFakeJira({ api: () => ({ status: 503 }) });
    const { breaker, client } = clientWith({ maxAttempts: 3, concurrency: 2 });
    const ids = Array.from({ length: 500 }, (_, i) => `flag-${i}`);
    const outcomes = await client.deleteById(featureFlagsKind, ids, { signal: breaker.signal });
    assert.ok(fake.apiRequests().length <= 4 * 3, `${fake.apiRequests().length} DELETE requests`);
    assert.equal(outcomes.filter((o) => o.ok).length, 0);
    assert.ok(outcomes.filter((o) => !o.ok && o.reason === 'aborted').length >= 496);
  });

  it('413 for everything: single entities refused in a row open the breaker instead of splitting every batch down', async () => {
    fake = await startFakeJira({ api: () => ({ status: 413, body: [{ message: 'Request entity too large' }] }) });
    const { breaker, client } = clientWith({ concurrency: 1 });
    await client.submit(featureFlagsKind, flags(1000), { signal: breaker.signal });
    // One batch of 100 split down to single entities: 7 halvings, then the third single 413 in a row opens it.
    assert.ok(fake.apiRequests().length < 20, `${fake.apiRequests().length} requests (1,990 without the breaker)`);
    assert.match(breaker.reason ?? '', /HTTP 413, too large even as a single entity/);
  });

  it('a success in between resets the count: a few scattered failures never stop a run', async () => {
    fake = await startFakeJira({ api: (req, i) => (i % 3 === 0 ? { status: 503 } : acceptAll(req, i)) });
    const { breaker, client } = clientWith({ maxAttempts: 1, concurrency: 1 });
    const report = await client.submit(featureFlagsKind, flags(1000), { signal: breaker.signal });
    assert.equal(breaker.reason, undefined);
    assert.equal(stopped(report.outcomes), 0);
    assert.equal(report.outcomes.filter((o) => o.status === 'accepted').length, 600);
  });
});
