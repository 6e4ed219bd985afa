import { strict as assert } from 'node:assert';
import * as sinon from 'sinon';
import { TimeoutError, withTimeout } from '../../src/kit';

/** A read that waits for its signal and then rejects naming what it waited for, as a well-behaved adapter does. */
const honouring = (signal: AbortSignal) =>
  new Promise<never>((_, reject) =>
    signal.addEventListener('abort', () => reject(new Error('GET http://flags.test/prod.json was aborted'))),
  );

describe('withTimeout (kit)', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => clock.restore());

  it('resolves with the work when it ends in time, and leaves no timer behind', async () => {
    assert.equal(await withTimeout(async () => 'read', 1000), 'read');
    assert.equal(clock.countTimers(), 0);
  });

  it('rejects at the limit even when the work ignores its signal', async () => {
    let signal: AbortSignal | undefined;
    const result = withTimeout((s) => ((signal = s), new Promise<never>(() => undefined)), 1000);
    const outcome = assert.rejects(
      result,
      (error: Error) => error instanceof TimeoutError && /^timed out after 1000 ms$/.test(error.message),
    );
    await clock.tickAsync(999);
    assert.equal(signal!.aborted, false);
    await clock.tickAsync(1 + 250);
    await outcome;
    assert.equal(signal!.aborted, true);
  });

  it('names what a work that honours its signal was waiting for', async () => {
    const outcome = assert.rejects(
      withTimeout(honouring, 500),
      /^TimeoutError: timed out after 500 ms: GET http:\/\/flags\.test\/prod\.json was aborted$/,
    );
    await clock.tickAsync(500);
    await outcome;
  });

  it("passes the caller's stop on to the work, with the caller's reason", async () => {
    const outer = new AbortController();
    let reason: unknown;
    const result = withTimeout(
      (s) => new Promise((resolve) => s.addEventListener('abort', () => resolve((reason = s.reason)))),
      1000,
      outer.signal,
    );
    outer.abort(new Error('SIGTERM'));
    await result;
    assert.match(String(reason), /SIGTERM/);
  });

  it('does not start the work when the caller has already stopped', async () => {
    const outer = new AbortController();
    outer.abort();
    let started = false;
    await assert.rejects(
      withTimeout(async () => (started = true), 1000, outer.signal),
      /not read: flagsync is stopping/,
    );
    assert.equal(started, false);
  });
});
