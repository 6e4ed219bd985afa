import { strict as assert } from 'node:assert';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileStateStore } from '../../src/reconcile/file-state-store';
import { MemoryStateStore } from '../../src/reconcile/memory-state-store';
import { emptyState, recordsOf } from '../../src/reconcile/state';
import { StateLedger } from '../../src/reconcile/state-ledger';
import type { StateStore } from '../../src/reconcile/state-store';

describe('FileStateStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'flagsync-state-'));
  });

  it('a missing file is an empty state', async () => {
    assert.deepEqual(await new FileStateStore(path.join(dir, 'none', 'state.json')).load(), emptyState());
  });

  it('round-trips records and leaves no temp file behind', async () => {
    const store = new FileStateStore(path.join(dir, 'sub', 'state.json'));
    const state = emptyState();
    recordsOf(state, 'featureflags')['demo:a'] = { h: 'abc', s: 5, p: 'demo' };
    await store.save(state);
    assert.deepEqual(await store.load(), state);
    assert.deepEqual(await readdir(path.join(dir, 'sub')), ['state.json']);
  });

  it('a corrupt file is a clear error naming the file, not an empty state', async () => {
    const file = path.join(dir, 'state.json');
    await writeFile(file, '{"version":1,"entities":');
    await assert.rejects(new FileStateStore(file).load(), /state\.json is not valid JSON/);
  });

  it('a file of the wrong shape is rejected with the path of the problem', async () => {
    const file = path.join(dir, 'state.json');
    await writeFile(file, JSON.stringify({ version: 1, entities: { featureflags: { x: { h: 1 } } } }));
    await assert.rejects(new FileStateStore(file).load(), /entities\.featureflags\.x\.h/);
  });

  it('writes the file with owner-only permissions', async () => {
    const file = path.join(dir, 'state.json');
    await new FileStateStore(file).save(emptyState());
    const { stat } = await import('node:fs/promises');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal(JSON.parse(await readFile(file, 'utf8')).version, 1);
  });
});

describe('MemoryStateStore', () => {
  it('holds its own copy: changing a loaded state changes nothing until it is saved', async () => {
    const store = new MemoryStateStore();
    const state = await store.load();
    recordsOf(state, 'featureflags')['demo:a'] = { h: 'abc', s: 5, p: 'demo' };
    assert.deepEqual(await store.load(), emptyState());
  });

  it('applies only the changes it is given, as a store of rows does', async () => {
    const initial = emptyState();
    recordsOf(initial, 'devinfo')['r/branch/old'] = { h: 'x', s: 1, p: 'git' };
    const store = new MemoryStateStore(initial);
    const state = await store.load();
    recordsOf(state, 'featureflags')['demo:unreported'] = { h: 'u', s: 1, p: 'demo' };
    await store.save(state, [
      { type: 'put', kind: 'featureflags', id: 'demo:a', record: { h: 'abc', s: 5, p: 'demo' } },
      { type: 'delete', kind: 'devinfo', id: 'r/branch/old' },
    ]);
    assert.deepEqual(store.snapshot(), {
      version: 1,
      entities: { devinfo: {}, featureflags: { 'demo:a': { h: 'abc', s: 5, p: 'demo' } } },
    });
  });
});

describe('StateLedger', () => {
  const options = { now: () => 0, saveIntervalMs: 1000 };

  it('applies each change to the loaded state at once and hands the store one change per entity, the last', async () => {
    const store = new MemoryStateStore();
    const ledger = new StateLedger(store, await store.load(), options);
    ledger.put('featureflags', 'demo:a', { h: '1', s: 1, p: 'demo' });
    ledger.put('featureflags', 'demo:a', { h: '2', s: 2, p: 'demo' });
    ledger.put('featureflags', 'demo:b', { h: '1', s: 1, p: 'demo' });
    ledger.remove('featureflags', 'demo:b');
    assert.deepEqual(ledger.records('featureflags'), { 'demo:a': { h: '2', s: 2, p: 'demo' } });
    await ledger.save();
    assert.deepEqual(store.saves, [
      [
        { type: 'put', kind: 'featureflags', id: 'demo:a', record: { h: '2', s: 2, p: 'demo' } },
        { type: 'delete', kind: 'featureflags', id: 'demo:b' },
      ],
    ]);
    await ledger.save();
    assert.deepEqual(store.saves[1], [], 'a second save has nothing left to write');
  });

  it('checkpoint saves only once the interval has passed since the last save', async () => {
    let now = 0;
    const store = new MemoryStateStore();
    const ledger = new StateLedger(store, await store.load(), { now: () => now, saveIntervalMs: 1000 });
    ledger.put('devinfo', 'r/branch/main', { h: '1', s: 1, p: 'git' });
    await ledger.checkpoint();
    assert.equal(store.saves.length, 0);
    now = 1000;
    await ledger.checkpoint();
    assert.equal(store.saves.length, 1);
    assert.deepEqual(recordsOf(store.snapshot(), 'devinfo'), { 'r/branch/main': { h: '1', s: 1, p: 'git' } });
  });

  it('a failed save keeps its changes for the next save, unless a newer change replaced them', async () => {
    const store = new MemoryStateStore();
    let fail = true;
    const flaky: StateStore = {
      load: store.load,
      save: async (state, changes) => {
        if (fail) throw new Error('disk full');
        await store.save(state, changes);
      },
    };
    const ledger = new StateLedger(flaky, await store.load(), options);
    ledger.put('featureflags', 'demo:a', { h: '1', s: 1, p: 'demo' });
    ledger.put('featureflags', 'demo:b', { h: '1', s: 1, p: 'demo' });
    await assert.rejects(ledger.save(), /disk full/);
    ledger.put('featureflags', 'demo:b', { h: '2', s: 2, p: 'demo' });
    fail = false;
    await ledger.save();
    assert.deepEqual(recordsOf(store.snapshot(), 'featureflags'), {
      'demo:a': { h: '1', s: 1, p: 'demo' },
      'demo:b': { h: '2', s: 2, p: 'demo' },
    });
  });
});
