/**
 * `npx tsx bench/write-ahead.ts [--entities N]`: what write-ahead state costs through the real file store. A state
 * of N flag records (default 100,000) is saved whole once; then every batch of 100 is marked in flight (one fsynced
 * journal append of its marks) and recorded as accepted (written by the final save, as in a run shorter than the
 * file store's save interval); then the final save folds the journal into the snapshot. Prints one JSON line; no
 * goal is asserted (disks differ).
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { FileStateStore } from '../src/store/file/file-state-store';
import { emptyState, recordsOf } from '../src/reconcile/state';
import { StateLedger } from '../src/reconcile/state-ledger';

async function main(): Promise<void> {
  const at = process.argv.indexOf('--entities');
  const count = at > 0 ? Number(process.argv[at + 1]) : 100_000;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'flagsync-write-ahead-'));
  try {
    const store = new FileStateStore(path.join(dir, 'state.json'));
    const state = emptyState();
    const records = recordsOf(state, 'featureflags');
    for (let i = 0; i < count; i++) {
      records[`bench:flag-${i}`] = {
        h: 'h'.repeat(16),
        s: 1,
        p: 'bench',
        f: `${'n'.repeat(10)}${'d'.repeat(10)}["name","details"]`,
        i: 'i'.repeat(16),
      };
    }
    let start = performance.now();
    await store.save(state);
    const wholeSaveMs = Math.round(performance.now() - start);

    const ledger = new StateLedger(store, await store.load(), { now: Date.now, saveIntervalMs: Number.POSITIVE_INFINITY });
    const ids = Object.keys(ledger.records('featureflags'));
    start = performance.now();
    let batches = 0;
    for (let i = 0; i < ids.length; i += 100, batches++) {
      const batch = ids.slice(i, i + 100);
      await ledger.markInFlight(
        'featureflags',
        batch.map((id) => ({ id, sequence: 2, provider: 'bench' })),
      );
      for (const id of batch) ledger.put('featureflags', id, { h: 'a'.repeat(16), s: 2, p: 'bench' });
    }
    const perBatchMs = Math.round(((performance.now() - start) / Math.max(1, batches)) * 100) / 100;
    const journalMb = Math.round((await stat(store.journal)).size / 1e5) / 10;
    start = performance.now();
    await ledger.save();
    const finalSaveMs = Math.round(performance.now() - start);
    const snapshotMb = Math.round((await stat(store.file)).size / 1e5) / 10;
    process.stdout.write(`${JSON.stringify({ entities: count, batches, wholeSaveMs, perBatchMs, journalMb, finalSaveMs, snapshotMb })}\n`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

void main();
