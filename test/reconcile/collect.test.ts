import { strict as assert } from 'node:assert';
import type { SourceAdapter } from '../../src/adapters/contract';
import { DEFAULT_LINKING } from '../../src/model/issue-keys';
import { collectSources } from '../../src/reconcile/collect';
import { flagReconcileKind } from '../../src/reconcile/flag-kind';

const provider = (name: string, adapter: SourceAdapter, timeoutMs: number) => ({
  name,
  adapter,
  timeoutMs,
  linking: DEFAULT_LINKING,
  environmentTypes: new Map(),
});

describe('collectSources', () => {
  it('does not start reading when the run is already stopping, and the provider fails (deleting nothing)', async () => {
    let called = false;
    const adapter = { environments: [], snapshot: async () => ((called = true), { flags: [] }) };
    const controller = new AbortController();
    controller.abort(new Error('SIGTERM'));
    const [result] = await collectSources(flagReconcileKind, [provider('git', adapter, 60_000)], controller.signal);
    assert.equal(called, false);
    assert.deepEqual(result && { ok: result.ok, error: !result.ok && result.error }, {
      ok: false,
      error: 'not read: flagsync is stopping',
    });
  });

  it('fails a provider whose snapshot outlives its timeout, even when the adapter ignores the signal', async () => {
    const adapter = { environments: [], snapshot: () => new Promise<never>(() => undefined) };
    const [result] = await collectSources(flagReconcileKind, [provider('slow', adapter, 50)]);
    assert.equal(result!.ok, false);
    assert.match(!result!.ok ? result!.error : '', /timed out after 50 ms/);
  });
});
