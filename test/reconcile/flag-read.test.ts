import { strict as assert } from 'node:assert';
import { flagReconcileKind } from '../../src/reconcile/flag-kind';
import type { ProviderRuntime } from '../../src/reconcile/provider';
import { DEFAULT_LINKING } from '../../src/model/issue-keys';

/** The flag kind's read step and an adapter's "unchanged" answer (source-skip.ts). */
describe('flag read: an unchanged source', () => {
  const provider = (answer: string): ProviderRuntime => ({
    name: 'files',
    source: {
      produces: 'flags',
      source: {
        environments: [],
        snapshot: async () => ({ flags: [] }),
        snapshotUnlessUnchanged: async () => ({ unchanged: true as const, sourceFingerprint: answer }),
      },
    },
    timeoutMs: 1000,
    linking: DEFAULT_LINKING,
    environmentTypes: new Map(),
  });
  const signal = new AbortController().signal;

  it('is taken for the flags Jira holds only as the answer to the fingerprint the core asked about', async () => {
    const data = await flagReconcileKind.read(provider('abc'), signal, 'abc');
    assert.equal(data.unchanged, true);
  });

  it('fails the provider (deleting nothing) when the adapter answers "unchanged" for another fingerprint', async () => {
    await assert.rejects(
      flagReconcileKind.read(provider('old'), signal, 'abc'),
      /answered "unchanged" for a source fingerprint the core did not ask about/,
    );
  });

  it('is not asked for without an accepted fingerprint: the full snapshot is read', async () => {
    const data = await flagReconcileKind.read(provider('abc'), signal);
    assert.equal(data.unchanged, undefined);
  });
});
