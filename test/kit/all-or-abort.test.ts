import { strict as assert } from 'node:assert';
import { allOrAbort } from '../../src/kit';

/** Settles when its signal aborts (rejecting, as a fetch does) or resolves after `settle` is called. */
function pending(signal: AbortSignal, log: string[], name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    signal.addEventListener('abort', () => {
      log.push(`${name} aborted`);
      // Settles a moment later, like a socket closing.
      setImmediate(() => {
        log.push(`${name} closed`);
        reject(new Error(`${name}: aborted`));
      });
    });
  });
}

describe('allOrAbort (kit): one failure aborts the others', () => {
  it("resolves with every result in the items' order", async () => {
    const results = await allOrAbort([30, 10, 20], (ms) => new Promise<number>((resolve) => setTimeout(() => resolve(ms), ms)));
    assert.deepEqual(results, [30, 10, 20]);
  });

  it('aborts the other reads when one fails, and rejects with that failure, not the aborts it caused', async () => {
    const log: string[] = [];
    const result = allOrAbort(['production', 'staging', 'broken'], async (env, signal) => {
      if (env === 'broken') {
        await new Promise((r) => setImmediate(r));
        throw new Error('broken: HTTP 500');
      }
      return pending(signal, log, env);
    });
    await assert.rejects(result, /^Error: broken: HTTP 500$/);
    assert.deepEqual(log.sort(), ['production aborted', 'production closed', 'staging aborted', 'staging closed']);
  });

  it('rejects only once every read has settled, so none outlives the call', async () => {
    const log: string[] = [];
    await assert.rejects(
      allOrAbort(['a', 'b'], async (name, signal) => {
        if (name === 'a') throw new Error('a failed');
        return pending(signal, log, name);
      }),
    );
    log.push('rejected');
    assert.deepEqual(log, ['b aborted', 'b closed', 'rejected']);
  });

  it("passes the caller's abort on to every read", async () => {
    const outer = new AbortController();
    const log: string[] = [];
    const result = allOrAbort(['a', 'b'], (name, signal) => pending(signal, log, name), outer.signal);
    outer.abort(new Error('SIGTERM'));
    await assert.rejects(result, /aborted/);
    assert.deepEqual(log.filter((l) => l.endsWith('aborted')).sort(), ['a aborted', 'b aborted']);
  });

  it('gives an already aborted signal when the caller stopped before the call', async () => {
    const outer = new AbortController();
    outer.abort();
    const seen = await allOrAbort(['a'], async (_, signal) => signal.aborted, outer.signal);
    assert.deepEqual(seen, [true]);
  });
});
