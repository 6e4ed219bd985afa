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
});
