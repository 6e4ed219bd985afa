import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { FileStateStore } from '../src/store/file/file-state-store';
import { packFieldHashes } from '../src/reconcile/field-hashes';
import { emptyState, recordsOf } from '../src/reconcile/state';

/**
 * State load + save of `count` flag records through the file store (what every run that changes something pays),
 * measured in the bench process. Records look like those a run leaves: hash, sequence, provider, field hashes, input.
 */
export async function measureStateIo(
  count: number,
): Promise<{ loadMs: number; saveMs: number; cpuMs: number; bytes: number; heapMb: number }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'flagsync-bench-state-'));
  try {
    const store = new FileStateStore(path.join(dir, 'state.json'));
    const state = emptyState();
    const records = recordsOf(state, 'featureflags');
    const h = (i: number, n: number) => `${i.toString(36).padStart(n, 'x')}`.slice(0, n);
    const environments = ['production', 'staging', 'qa', 'development'];
    const names = ['key', 'displayName', 'issueKeys', 'summary', ...environments.map((env) => `env:${env}`)];
    for (let i = 0; i < count; i++) {
      const f = packFieldHashes(
        names,
        names.map((_, n) => h(i + n, 10)),
      );
      records[`bench:bench-flag-${i}`] = { h: h(i, 22), s: 1_764_000_000_000 + i, p: 'bench', f, i: h(i * 7, 22) };
    }
    await store.save(state);
    global.gc?.();
    const cpu = process.cpuUsage();
    const loadStart = performance.now();
    const loaded = await store.load();
    const loadMs = performance.now() - loadStart;
    const saveStart = performance.now();
    await store.save(loaded);
    const saveMs = performance.now() - saveStart;
    const used = process.cpuUsage(cpu);
    const bytes = JSON.stringify(loaded).length;
    return { loadMs, saveMs, cpuMs: (used.user + used.system) / 1000, bytes, heapMb: process.memoryUsage().heapUsed / 2 ** 20 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
