import assert from 'node:assert/strict';
import { createJiraClient, featureFlagsKind, type EntityOutcome } from '../../src/jira';
import { flag, flags } from './entities';
import { acceptAll, fastDeps, startFakeJira, type FakeJira, type Reply } from './fake-jira';

const errorOf = (outcome: EntityOutcome | undefined) => (outcome !== undefined && outcome.status === 'failed' ? outcome.error : '');

/** Answers the scripted replies in order for API calls, then accepts everything. */
function script(...replies: Reply[]) {
  return (req: Parameters<typeof acceptAll>[0], index: number) => replies[index] ?? acceptAll(req, index);
}

describe('jira retries', () => {
  let fake: FakeJira | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('waits the Retry-After seconds of a 429 before retrying', async () => {
    fake = await startFakeJira({ api: script({ status: 429, headers: { 'Retry-After': '7' } }) });
    const { deps, sleeps } = fastDeps();
    const report = await createJiraClient(fake.settings(), deps).submit(featureFlagsKind, [flag('a')]);
    assert.deepEqual(sleeps, [7000]);
    assert.equal(report.outcomes[0]?.status, 'accepted');
  });

  it('waits at least the backoff when Retry-After asks for nothing (0, or a date already past)', async () => {
    for (const asked of ['0', 'Sun, 01 Mar 2026 09:59:00 GMT']) {
      fake = await startFakeJira({ api: script({ status: 429, headers: { 'Retry-After': asked } }) });
      const { deps, sleeps } = fastDeps();
      const settings = fake.settings({ backoffBaseMs: 800 });
      await createJiraClient(settings, { ...deps, now: () => Date.parse('2026-03-01T10:00:00Z') }).submit(featureFlagsKind, [flag('a')]);
      assert.deepEqual(sleeps, [400], asked); // the first backoff: half (random 0.5) of the 800 ms base
      await fake.close();
      fake = undefined;
    }
  });

  it('waits until the HTTP date of a Retry-After', async () => {
    const now = Date.parse('2026-03-01T10:00:00Z');
    fake = await startFakeJira({ api: script({ status: 503, headers: { 'Retry-After': 'Sun, 01 Mar 2026 10:00:12 GMT' } }) });
    const { deps, sleeps } = fastDeps();
    await createJiraClient(fake.settings(), { ...deps, now: () => now }).submit(featureFlagsKind, [flag('a')]);
    assert.deepEqual(sleeps, [12_000]);
  });

  it('gives up instead of waiting longer than maxRetryAfterMs', async () => {
    fake = await startFakeJira({ api: script({ status: 429, headers: { 'Retry-After': '3600' } }) });
    const { deps, sleeps } = fastDeps();
    const report = await createJiraClient(fake.settings({ maxRetryAfterMs: 60_000 }), deps).submit(featureFlagsKind, [flag('a')]);
    assert.deepEqual(sleeps, []);
    assert.match(errorOf(report.outcomes[0]), /Retry-After/);
  });

  it('retries a 5xx with backoff and then succeeds', async () => {
    fake = await startFakeJira({ api: script({ status: 500, body: [{ message: 'boom' }] }, { status: 502 }) });
    const { deps, sleeps } = fastDeps(() => 0.5);
    const report = await createJiraClient(fake.settings({ backoffBaseMs: 100 }), deps).submit(featureFlagsKind, [flag('a')]);
    assert.deepEqual(sleeps, [50, 100]);
    assert.equal(report.outcomes[0]?.status, 'accepted');
    assert.equal(report.requests, 3);
  });

  it('ends a 503 storm after maxAttempts with a clear failure and nothing accepted', async () => {
    fake = await startFakeJira({ api: () => ({ status: 503 }) });
    const { deps, sleeps } = fastDeps();
    const report = await createJiraClient(fake.settings({ maxAttempts: 4, concurrency: 1 }), deps).submit(featureFlagsKind, flags(150));
    assert.equal(fake.apiRequests().length, 8);
    assert.equal(sleeps.length, 6);
    assert.equal(report.outcomes.filter((o) => o.status !== 'failed').length, 0);
    assert.match(errorOf(report.outcomes[0]), /POST http:.*\/bulk: HTTP 503 after 4 attempt\(s\)/);
    assert.ok(
      report.outcomes.every((o) => o.status === 'failed' && o.retryable),
      'no final answer: worth trying later',
    );
  });

  it('caps each backoff at backoffCapMs', async () => {
    fake = await startFakeJira({ api: () => ({ status: 503 }) });
    const { deps, sleeps } = fastDeps(() => 0.999);
    await createJiraClient(fake.settings({ maxAttempts: 6, backoffBaseMs: 1000, backoffCapMs: 3000 }), deps).submit(featureFlagsKind, [
      flag('a'),
    ]);
    assert.ok(Math.max(...sleeps) <= 3000 && Math.max(...sleeps) > 2900, `sleeps ${sleeps.join(',')}`);
  });

  it('never retries a 400', async () => {
    fake = await startFakeJira({ api: () => ({ status: 400, body: [{ message: 'bad' }] }) });
    const { deps, sleeps } = fastDeps();
    await createJiraClient(fake.settings(), deps).submit(featureFlagsKind, [flag('a')]);
    assert.equal(fake.apiRequests().length, 1);
    assert.deepEqual(sleeps, []);
  });

  it('retries after the connection drops', async () => {
    fake = await startFakeJira({ api: script('drop') });
    const report = await createJiraClient(fake.settings(), fastDeps().deps).submit(featureFlagsKind, [flag('a')]);
    assert.equal(fake.apiRequests().length, 2);
    assert.equal(report.outcomes[0]?.status, 'accepted');
  });

  describe('a refusal after an attempt whose answer was lost', () => {
    const causeOf = (outcome: EntityOutcome | undefined) =>
      outcome?.status === 'failed' ? [outcome.reason, outcome.httpStatus, outcome.retryable] : outcome?.status;

    for (const [first, label] of [
      ['drop', 'the connection dropped'],
      [{ status: 502 }, 'a 502'],
    ] as const) {
      it(`is not "Jira stored nothing" after ${label}: the entity stays unknown (gave-up, retryable)`, async () => {
        fake = await startFakeJira({ api: script(first, { status: 403 }) });
        const report = await createJiraClient(fake.settings(), fastDeps().deps).submit(featureFlagsKind, [flag('a')]);
        assert.equal(fake.apiRequests().length, 2);
        assert.deepEqual(causeOf(report.outcomes[0]), ['gave-up', 403, true]);
      });
    }

    it('is still a refusal after a 429 (Jira declined to act on that attempt)', async () => {
      fake = await startFakeJira({ api: script({ status: 429 }, { status: 400, body: [{ message: 'bad' }] }) });
      const report = await createJiraClient(fake.settings(), fastDeps().deps).submit(featureFlagsKind, [flag('a')]);
      assert.deepEqual(causeOf(report.outcomes[0]), ['refused', 400, false]);
    });
  });

  it('retries a request that timed out', async () => {
    let calls = 0;
    fake = await startFakeJira({
      api: async (req, i) => {
        if (++calls === 1) await new Promise((resolve) => setTimeout(resolve, 300));
        return acceptAll(req, i);
      },
    });
    const report = await createJiraClient(fake.settings({ requestTimeoutMs: 100 }), fastDeps().deps).submit(featureFlagsKind, [flag('a')]);
    assert.equal(calls, 2);
    assert.equal(report.outcomes[0]?.status, 'accepted');
  });

  it('never has more than `concurrency` requests in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    fake = await startFakeJira({
      api: async (req, i) => {
        peak = Math.max(peak, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 20));
        inFlight--;
        return acceptAll(req, i);
      },
    });
    await createJiraClient(fake.settings({ concurrency: 2 }), fastDeps().deps).submit(featureFlagsKind, flags(600));
    assert.equal(peak, 2);
  });

  describe('abort', () => {
    it('starts no new batch once aborted and marks unsent entities aborted', async () => {
      const controller = new AbortController();
      fake = await startFakeJira();
      const report = await createJiraClient(fake.settings({ concurrency: 1 }), fastDeps().deps).submit(featureFlagsKind, flags(300), {
        signal: controller.signal,
        onBatch: () => controller.abort(),
      });
      assert.equal(fake.apiRequests().length, 1);
      assert.deepEqual(
        report.outcomes.slice(0, 100).map((o) => o.status),
        Array(100).fill('accepted'),
      );
      assert.deepEqual(report.outcomes.slice(100).map(errorOf), Array(200).fill('aborted'));
    });

    it('lets a batch in flight finish when aborted meanwhile', async () => {
      const controller = new AbortController();
      fake = await startFakeJira({
        api: (req, i) => {
          controller.abort();
          return acceptAll(req, i);
        },
      });
      const report = await createJiraClient(fake.settings({ concurrency: 1 }), fastDeps().deps).submit(featureFlagsKind, flags(150), {
        signal: controller.signal,
      });
      assert.deepEqual(
        report.outcomes.map((o) => o.status),
        [...Array(100).fill('accepted'), ...Array(50).fill('failed')],
      );
    });

    // The real sleep: the abort must cut a 20 s Retry-After wait short.
    const realSleepDeps = { random: () => 0.5 };
    const abortAfter = (ms: number) => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), ms);
      return controller.signal;
    };

    it('ends a Retry-After wait at once when aborted, failing the batch as retryable without another request', async () => {
      fake = await startFakeJira({ api: () => ({ status: 429, headers: { 'Retry-After': '20' } }) });
      const started = Date.now();
      const report = await createJiraClient(fake.settings(), realSleepDeps).submit(featureFlagsKind, [flag('a')], {
        signal: abortAfter(100),
      });
      assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
      assert.deepEqual(report.outcomes, [{ id: 'a', status: 'failed', error: 'aborted', reason: 'aborted', retryable: true }]);
      assert.equal(fake.apiRequests().length, 1);
    });

    it("ends a delete's Retry-After wait at once when aborted", async () => {
      fake = await startFakeJira({ api: () => ({ status: 503, headers: { 'Retry-After': '20' } }) });
      const started = Date.now();
      const outcomes = await createJiraClient(fake.settings(), realSleepDeps).deleteById(featureFlagsKind, ['a'], {
        signal: abortAfter(100),
      });
      assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
      assert.deepEqual(
        [outcomes, fake.apiRequests().length],
        [[{ id: 'a', ok: false, error: 'aborted', reason: 'aborted', retryable: true }], 1],
      );
    });

    it('sends no second 413 half once aborted', async () => {
      const controller = new AbortController();
      fake = await startFakeJira({
        api: (req, i) => {
          if ((req.body as { flags: unknown[] }).flags.length > 1) return { status: 413, body: [{ message: 'too large' }] };
          controller.abort();
          return acceptAll(req, i);
        },
      });
      const report = await createJiraClient(fake.settings(), fastDeps().deps).submit(featureFlagsKind, flags(2), {
        signal: controller.signal,
      });
      assert.equal(fake.apiRequests().length, 2);
      assert.deepEqual(
        report.outcomes.map((o) => [o.status, errorOf(o)]),
        [
          ['accepted', ''],
          ['failed', 'aborted'],
        ],
      );
    });
  });
});
