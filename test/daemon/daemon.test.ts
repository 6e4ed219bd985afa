import { strict as assert } from 'node:assert';
import { startDaemon } from '../../src/daemon/daemon';
import { silentLogger } from '../../src/log';

const never = '0 0 1 1 *'; // once a year: ticks in these tests are triggered by hand

describe('daemon', () => {
  it('never overlaps: a tick while a run is in flight is skipped', async () => {
    let runs = 0;
    let release: () => void = () => undefined;
    const daemon = startDaemon({
      schedule: never,
      runAtStart: false,
      logger: silentLogger,
      run: () => {
        runs++;
        return new Promise<void>((resolve) => (release = resolve));
      },
    });
    const first = daemon.tick();
    await daemon.tick();
    assert.equal(runs, 1);
    assert.equal(daemon.running, true);
    release();
    await first;
    assert.equal(daemon.running, false);
    const third = daemon.tick();
    release();
    await third;
    assert.equal(runs, 2);
    await daemon.stop();
  });

  it('stop aborts the run in flight and waits for it to finish', async () => {
    let sawAbort = false;
    let finished = false;
    const daemon = startDaemon({
      schedule: never,
      runAtStart: false,
      logger: silentLogger,
      run: (signal) =>
        new Promise<void>((resolve) =>
          signal.addEventListener('abort', () => {
            sawAbort = true;
            setImmediate(() => {
              finished = true;
              resolve();
            });
          }),
        ),
    });
    void daemon.tick();
    await daemon.stop();
    assert.equal(sawAbort, true);
    assert.equal(finished, true);
  });

  it('a failing run is logged and does not stop the schedule', async () => {
    let runs = 0;
    const daemon = startDaemon({
      schedule: never,
      runAtStart: false,
      logger: silentLogger,
      run: async () => {
        runs++;
        throw new Error('boom');
      },
    });
    await daemon.tick();
    await daemon.tick();
    assert.equal(runs, 2);
    await daemon.stop();
  });
});
