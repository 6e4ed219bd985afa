import { strict as assert } from 'node:assert';
import * as sinon from 'sinon';
import { pollForChanges, type PolledVersion } from '../../src/kit/watch-poll';
import { recordingLogger } from '../helpers/recording-logger';

describe('pollForChanges', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => clock.restore());

  it('a poll that hangs is cut off at pollTimeoutMs and counted as failed: polling goes on and sees the next change', async () => {
    const stop = new AbortController();
    const { logger, warnings } = recordingLogger();
    let changes = 0;
    let polls = 0;
    let hungSignal: AbortSignal | undefined;
    const answers: Array<(signal: AbortSignal) => Promise<PolledVersion>> = [
      async () => ({ version: 'a' }),
      (signal) => {
        hungSignal = signal;
        return new Promise<PolledVersion>(() => undefined);
      },
      async () => ({ version: 'b' }),
    ];
    await pollForChanges({
      intervalMs: 1000,
      pollTimeoutMs: 5000,
      signal: stop.signal,
      onChange: () => changes++,
      logger,
      what: 'test source',
      poll: (signal) => answers[Math.min(polls++, answers.length - 1)]!(signal),
    });
    await clock.tickAsync(1000 + 5000 + 250);
    assert.equal(hungSignal?.aborted, true);
    assert.deepEqual(warnings, ['watch: checking the source for changes failed; trying again']);
    // After one failure the next poll waits two intervals.
    await clock.tickAsync(2000);
    assert.equal(changes, 1);
    stop.abort();
  });

  it('backs off a failing source no further than a timer holds (a longer delay would fire at once: polls back to back)', async () => {
    const stop = new AbortController();
    const { logger } = recordingLogger();
    let polls = 0;
    const interval = 2_000_000_000; // 23 days: one failure doubles it past what a timer holds
    await pollForChanges({
      intervalMs: interval,
      pollTimeoutMs: 5000,
      signal: stop.signal,
      onChange: () => undefined,
      logger,
      what: 'test source',
      poll: async () => {
        polls++;
        if (polls > 1) throw new Error('source down');
        return { version: 'a' };
      },
    });
    await clock.tickAsync(interval);
    assert.equal(polls, 2, 'the first failure');
    await clock.tickAsync(1000);
    assert.equal(polls, 2, 'not polled again at once');
    await clock.tickAsync(2 ** 31 - 1);
    assert.equal(polls, 3);
    stop.abort();
  });
});
