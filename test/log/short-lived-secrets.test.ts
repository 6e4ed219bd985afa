import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { redact, registerSecret, registerShortLivedSecret, SHORT_LIVED_KEPT } from '../../src/log';

/** A daemon fetches an access token per run: redaction keeps the recent ones, not every token ever issued. */
describe('log: short-lived secrets (access tokens)', () => {
  const token = () => `tok-${randomBytes(12).toString('hex')}`;

  it('redacts the recent tokens, in every form, and forgets the oldest beyond the bound', () => {
    const tokens = Array.from({ length: SHORT_LIVED_KEPT + 5 }, token);
    for (const t of tokens) registerShortLivedSecret(t);
    const newest = tokens.at(-1)!;
    assert.equal(redact(`Bearer ${newest}`), 'Bearer [REDACTED]');
    assert.equal(redact(encodeURIComponent(`${newest}/x`)), `[REDACTED]${encodeURIComponent('/x')}`);
    assert.equal(redact(tokens[tokens.length - SHORT_LIVED_KEPT]!), '[REDACTED]');
    assert.equal(redact(tokens[0]!), tokens[0], 'the oldest is no longer scanned for');
  });

  it('never forgets a configured secret, however many tokens come after it', () => {
    const configured = `secret-${randomBytes(8).toString('hex')}`;
    registerSecret(configured);
    for (let i = 0; i < SHORT_LIVED_KEPT * 2; i++) registerShortLivedSecret(token());
    assert.equal(redact(configured), '[REDACTED]');
  });
});
