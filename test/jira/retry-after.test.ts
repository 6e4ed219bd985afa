import assert from 'node:assert/strict';
import { backoffDelay, parseRateLimitReset, parseRetryAfter } from '../../src/jira/retry-after';

describe('Retry-After and backoff', () => {
  const now = Date.parse('2026-03-01T10:00:00Z');

  it('reads delta-seconds', () => {
    assert.equal(parseRetryAfter('7', now), 7000);
  });

  it('reads an HTTP date relative to now', () => {
    assert.equal(parseRetryAfter('Sun, 01 Mar 2026 10:00:30 GMT', now), 30_000);
  });

  it('treats a past HTTP date as no wait', () => {
    assert.equal(parseRetryAfter('Sun, 01 Mar 2026 09:00:00 GMT', now), 0);
  });

  it('ignores an unreadable value', () => {
    assert.equal(parseRetryAfter('soon-ish', now), undefined);
  });

  it('backs off exponentially up to the cap with full jitter', () => {
    const half = () => 0.5;
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((r) => backoffDelay(r, 100, 500, half)),
      [50, 100, 200, 250, 250],
    );
  });

  it('reads X-RateLimit-Reset as the ISO time the window resets; a bare number (seconds or an epoch?) is not read', () => {
    assert.equal(parseRateLimitReset('2026-03-01T10:00:30Z', now), 30_000);
    assert.equal(parseRateLimitReset('2026-03-01T09:59:00Z', now), 0);
    assert.equal(parseRateLimitReset('1772359230', now), undefined);
    assert.equal(parseRateLimitReset(undefined, now), undefined);
  });

  it('can draw any delay down to zero (full jitter)', () => {
    assert.equal(
      backoffDelay(3, 100, 500, () => 0),
      0,
    );
  });
});
