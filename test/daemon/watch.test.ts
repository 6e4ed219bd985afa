import { strict as assert } from 'node:assert';
import * as sinon from 'sinon';
import { startWatching, type Watching } from '../../src/daemon/watch';
import type { FlagSource } from '../../src/kit/contract';
import { silentLogger } from '../../src/log';

/** An adapter whose watch the test drives: `announce()` is a change in its source. */
function drivenAdapter(): { adapter: FlagSource; announce: () => void; signal: () => AbortSignal | undefined } {
  let onChange: (() => void) | undefined;
  let watchSignal: AbortSignal | undefined;
  return {
    adapter: {
      environments: ['production'],
      snapshot: () => Promise.reject(new Error('not read in these tests')),
      watch: (announce, signal) => {
        onChange = announce;
        watchSignal = signal;
        return Promise.resolve();
      },
    },
    announce: () => onChange!(),
    signal: () => watchSignal,
  };
}

const unwatchable: FlagSource = { environments: [], snapshot: () => Promise.reject(new Error('unused')) };

describe('watch mode triggers', () => {
  let clock: sinon.SinonFakeTimers;
  let watching: Watching | undefined;

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 1_800_000_000_000, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(async () => {
    await watching?.stop();
    watching = undefined;
    clock.restore();
  });

  it('makes a burst of changes within the debounce one sync of that provider, noticed at the first change', async () => {
    const a = drivenAdapter();
    const syncs: Array<{ provider: string; noticedAt: number }> = [];
    watching = await startWatching({
      providers: [{ name: 'files', adapter: a.adapter }],
      debounceMs: 1000,
      pollIntervalMs: 5000,
      logger: silentLogger,
      sync: (provider, noticedAt) => {
        syncs.push({ provider, noticedAt });
        return Promise.resolve();
      },
    });
    a.announce();
    await clock.tickAsync(400);
    a.announce();
    await clock.tickAsync(400);
    a.announce();
    await clock.tickAsync(999);
    assert.deepEqual(syncs, []);
    await clock.tickAsync(1);
    assert.deepEqual(syncs, [{ provider: 'files', noticedAt: 1_800_000_000_000 }]);
  });

  it('syncs only the provider that changed', async () => {
    const a = drivenAdapter();
    const b = drivenAdapter();
    const synced: string[] = [];
    watching = await startWatching({
      providers: [
        { name: 'a', adapter: a.adapter },
        { name: 'b', adapter: b.adapter },
      ],
      debounceMs: 1000,
      pollIntervalMs: 5000,
      logger: silentLogger,
      sync: (provider) => {
        synced.push(provider);
        return Promise.resolve();
      },
    });
    b.announce();
    await clock.tickAsync(5000);
    assert.deepEqual(synced, ['b']);
  });

  it('syncs a source that never stops changing at least every maxDelayMs', async () => {
    const a = drivenAdapter();
    let syncs = 0;
    watching = await startWatching({
      providers: [{ name: 'a', adapter: a.adapter }],
      debounceMs: 1000,
      maxDelayMs: 3000,
      pollIntervalMs: 5000,
      logger: silentLogger,
      sync: () => {
        syncs++;
        return Promise.resolve();
      },
    });
    for (let i = 0; i < 6; i++) {
      a.announce();
      await clock.tickAsync(500);
    }
    assert.equal(syncs, 1);
  });

  it('a change during a running sync gives exactly one more sync after it', async () => {
    const a = drivenAdapter();
    let syncs = 0;
    let finish: () => void = () => undefined;
    watching = await startWatching({
      providers: [{ name: 'a', adapter: a.adapter }],
      debounceMs: 100,
      pollIntervalMs: 5000,
      logger: silentLogger,
      sync: () => {
        syncs++;
        return new Promise<void>((resolve) => (finish = resolve));
      },
    });
    a.announce();
    await clock.tickAsync(100);
    assert.equal(syncs, 1);
    a.announce();
    await clock.tickAsync(100);
    a.announce();
    await clock.tickAsync(100);
    assert.equal(syncs, 1, 'never two syncs of one provider at once');
    finish();
    await clock.tickAsync(0);
    assert.equal(syncs, 2);
    finish();
    await clock.tickAsync(1000);
    assert.equal(syncs, 2);
  });

  it('watches only providers that can, and one whose watch fails to start is left to the schedule', async () => {
    const a = drivenAdapter();
    const failing: FlagSource = { ...unwatchable, watch: () => Promise.reject(new Error('no inotify')) };
    watching = await startWatching({
      providers: [
        { name: 'a', adapter: a.adapter },
        { name: 'plain', adapter: unwatchable },
        { name: 'failing', adapter: failing },
      ],
      debounceMs: 100,
      pollIntervalMs: 5000,
      logger: silentLogger,
      sync: () => Promise.resolve(),
    });
    assert.deepEqual(watching.providers, ['a']);
  });

  it('a watch that throws at once, or returns no promise (plain JavaScript), is left to the schedule; nothing rejects unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const a = drivenAdapter();
      const throwing: FlagSource = {
        ...unwatchable,
        watch: () => {
          throw new Error('cannot watch');
        },
      };
      const voidWatch = { ...unwatchable, watch: () => undefined } as unknown as FlagSource;
      watching = await startWatching({
        providers: [
          { name: 'a', adapter: a.adapter },
          { name: 'throwing', adapter: throwing },
          { name: 'void', adapter: voidWatch },
        ],
        debounceMs: 100,
        pollIntervalMs: 5000,
        logger: silentLogger,
        sync: () => Promise.resolve(),
      });
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(unhandled, []);
      assert.ok(watching.providers.includes('a') && !watching.providers.includes('throwing'));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('stop aborts the watch, drops a pending change and waits for the sync in flight', async () => {
    const a = drivenAdapter();
    let syncs = 0;
    let finished = false;
    watching = await startWatching({
      providers: [{ name: 'a', adapter: a.adapter }],
      debounceMs: 100,
      pollIntervalMs: 5000,
      logger: silentLogger,
      sync: async (_provider, _noticedAt, signal) => {
        syncs++;
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
        finished = true;
      },
    });
    a.announce();
    await clock.tickAsync(100);
    a.announce();
    await watching.stop();
    watching = undefined;
    assert.equal(a.signal()?.aborted, true);
    assert.equal(finished, true);
    await clock.tickAsync(1000);
    assert.equal(syncs, 1);
  });
  /** An adapter whose watch never finishes starting (a first poll that hangs), until its signal aborts. */
  const hangingStart = (): { adapter: FlagSource; signal: () => AbortSignal | undefined } => {
    let watchSignal: AbortSignal | undefined;
    return {
      adapter: {
        environments: ['production'],
        snapshot: () => Promise.reject(new Error('unused')),
        watch: (_announce, signal) => {
          watchSignal = signal;
          return new Promise<void>(() => undefined);
        },
      },
      signal: () => watchSignal,
    };
  };

  it('a watch that does not start within startTimeoutMs is stopped and left to the schedule; the others watch', async () => {
    const hangs = hangingStart();
    const fine = drivenAdapter();
    const starting = startWatching({
      providers: [
        { name: 'hangs', adapter: hangs.adapter },
        { name: 'fine', adapter: fine.adapter },
      ],
      debounceMs: 100,
      pollIntervalMs: 5000,
      startTimeoutMs: 30_000,
      logger: silentLogger,
      sync: () => Promise.resolve(),
    });
    await clock.tickAsync(30_000);
    watching = await starting;
    assert.deepEqual(watching.providers, ['fine']);
    assert.equal(hangs.signal()?.aborted, true);
    assert.equal(fine.signal()?.aborted, false);
  });

  it('a daemon already stopping starts no watch at all, and returns at once', async () => {
    const hangs = hangingStart();
    const stop = new AbortController();
    stop.abort(new Error('SIGTERM'));
    watching = await startWatching({
      providers: [{ name: 'hangs', adapter: hangs.adapter }],
      debounceMs: 100,
      pollIntervalMs: 5000,
      logger: silentLogger,
      sync: () => Promise.resolve(),
      signal: stop.signal,
    });
    assert.deepEqual(watching.providers, []);
    assert.equal(hangs.signal(), undefined, 'its watch was never started');
  });

  it('the daemon stopping while a watch starts ends the start at once (SIGTERM is not held up)', async () => {
    const hangs = hangingStart();
    const stop = new AbortController();
    let done = false;
    const starting = startWatching({
      providers: [{ name: 'hangs', adapter: hangs.adapter }],
      debounceMs: 100,
      pollIntervalMs: 5000,
      logger: silentLogger,
      sync: () => Promise.resolve(),
      signal: stop.signal,
    }).then((w) => {
      done = true;
      return w;
    });
    await clock.tickAsync(1000);
    assert.equal(done, false);
    stop.abort(new Error('SIGTERM'));
    await clock.tickAsync(0);
    assert.equal(done, true);
    watching = await starting;
    assert.deepEqual(watching.providers, []);
    assert.equal(hangs.signal()?.aborted, true);
  });
});
