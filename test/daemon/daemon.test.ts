import { strict as assert } from 'node:assert';
import { startDaemon } from '../../src/daemon/daemon';
import { lateTickToleranceMs } from '../../src/daemon/schedule';
import * as sinon from 'sinon';
import { silentLogger } from '../../src/log';
import pino from 'pino';
import { Writable } from 'node:stream';

const never = '0 0 1 1 *'; // once a year: ticks in these tests are triggered by hand

describe('daemon', () => {
  it('runs a tick node-cron fires late (a busy event loop) for its slot: up to half a period late, at least a second', () => {
    const now = new Date('2026-11-29T12:01:00Z');
    assert.deepEqual(
      ['*/5 * * * *', '0 * * * *', '*/2 * * * * *', '* * * * * *'].map((every) => lateTickToleranceMs(every, now)),
      [150_000, 1_800_000, 1000, 1000],
    );
  });

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

  it('a scheduled tick during a run is skipped with a log line of ours, nothing written to the console by node-cron', async function () {
    this.timeout(10_000);
    const console_ = ['log', 'info', 'warn', 'error', 'debug'].map((method) => sinon.spy(console, method as 'log'));
    const lines: string[] = [];
    const logger = pino(
      { level: 'debug' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    let runs = 0;
    try {
      // Every second, a run of 2.5 s: the ticks during it are skipped.
      const daemon = startDaemon({
        schedule: '* * * * * *',
        runAtStart: false,
        logger,
        run: () => {
          runs++;
          return new Promise<void>((resolve) => setTimeout(resolve, 2500));
        },
      });
      await new Promise((resolve) => setTimeout(resolve, 3200));
      await daemon.stop();
    } finally {
      sinon.restore();
    }
    assert.ok(runs >= 1 && runs <= 2, `runs: ${runs}`);
    const messages = lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
    assert.ok(messages.includes('previous run still in progress; this tick is skipped'), JSON.stringify(messages));
    assert.deepEqual(
      console_.flatMap((spy) => spy.getCalls().map((call) => String(call.args[0]))),
      [],
    );
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
