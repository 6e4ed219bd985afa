import { strict as assert } from 'node:assert';
import { SourceError, type FlagSource } from '../../src/kit/contract';
import { DEFAULT_LINKING } from '../../src/model/issue-keys';
import { collectSources } from '../../src/reconcile/collect';
import { flagReconcileKind } from '../../src/reconcile/flag-kind';

const provider = (name: string, adapter: FlagSource, timeoutMs: number) => ({
  name,
  source: { produces: 'flags' as const, source: adapter },
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

  it("reports a SourceError's own detail, and any other error's message as it is, even one starting with the name", async () => {
    const failing = (error: Error): FlagSource => ({ environments: [], snapshot: () => Promise.reject(error) });
    const results = await collectSources(flagReconcileKind, [
      provider('files', failing(new SourceError('files', 'flags.json: not found')), 1000),
      provider('api', failing(new Error('api: the word the message starts with')), 1000),
    ]);
    assert.deepEqual(
      results.map((r) => !r.ok && r.error),
      ['flags.json: not found', 'api: the word the message starts with'],
    );
  });

  it('a timed-out provider names what it was waiting for, as its adapter reports it on abort', async () => {
    const adapter = {
      environments: [],
      snapshot: (signal: AbortSignal) =>
        new Promise<never>((_, reject) =>
          signal.addEventListener('abort', () => reject(new Error('GET http://flags.example/production.json was aborted'))),
        ),
    };
    const [result] = await collectSources(flagReconcileKind, [provider('slow', adapter, 50)]);
    assert.equal(!result!.ok && result!.error, 'timed out after 50 ms: GET http://flags.example/production.json was aborted');
  });

  describe('a source whose isUnchanged already answered this run is not asked again', () => {
    const calls: string[] = [];
    const adapter: FlagSource = {
      environments: ['production'],
      snapshot: async () => (calls.push('snapshot'), { flags: [], sourceFingerprint: 'v2' }),
      snapshotUnlessUnchanged: async () => (calls.push('snapshotUnlessUnchanged'), { unchanged: true, sourceFingerprint: 'v1' }),
      isUnchanged: async () => (calls.push('isUnchanged'), true),
    };
    beforeEach(() => calls.splice(0));

    it('still unchanged: not read at all, and taken as unchanged', async () => {
      const [result] = await collectSources(
        flagReconcileKind,
        [provider('files', adapter, 1000)],
        undefined,
        () => 'v1',
        new Map([['files', { accepted: 'v1', unchanged: true }]]),
      );
      assert.deepEqual(calls, []);
      assert.deepEqual(result!.ok && flagReconcileKind.sourceSkipping!.report(result!.data), {
        fingerprint: 'v1',
        unchanged: true,
        complete: true,
      });
    });

    it('changed: read in full, without asking again whether it changed', async () => {
      const [result] = await collectSources(
        flagReconcileKind,
        [provider('files', adapter, 1000)],
        undefined,
        () => 'v1',
        new Map([['files', { accepted: 'v1', unchanged: false }]]),
      );
      assert.deepEqual(calls, ['snapshot']);
      assert.deepEqual(result!.ok && flagReconcileKind.sourceSkipping!.report(result!.data), {
        fingerprint: 'v2',
        unchanged: false,
        complete: true,
      });
    });

    it('an answer about another fingerprint counts for nothing: the source is asked against the one accepted', async () => {
      await collectSources(
        flagReconcileKind,
        [provider('files', adapter, 1000)],
        undefined,
        () => 'v1',
        new Map([['files', { accepted: 'v0', unchanged: true }]]),
      );
      assert.deepEqual(calls, ['snapshotUnlessUnchanged']);
    });
  });
});
