import { strict as assert } from 'node:assert';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileStateStore } from '../../src/store/file/file-state-store';
import { MemoryStateStore } from '../../src/reconcile/memory-state-store';
import { emptyState, recordsOf } from '../../src/reconcile/state';
import { StateLedger } from '../../src/reconcile/state-ledger';
import { applyRecordChange, type RecordChange, type StateStore } from '../../src/reconcile/state-store';

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
    // Every snapshot carries `repositories`, empty or not: its absence marks one written before they existed.
    assert.deepEqual(await store.load(), { ...state, repositories: {} });
    assert.deepEqual(await readdir(path.join(dir, 'sub')), ['state.json', 'state.json.summary']);
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

  it('a file with thousands of bad records gives one short error, not one clause per record', async () => {
    const file = path.join(dir, 'state.json');
    const bad = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`demo:flag-${i}`, { h: 1, s: 'x', p: 2 }]));
    await writeFile(file, JSON.stringify({ version: 1, entities: { featureflags: bad } }));
    const error = await new FileStateStore(file).load().then(
      () => assert.fail('expected a rejection'),
      (e: Error) => e,
    );
    assert.match(error.message, /entities\.featureflags\.demo:flag-0\.h: expected string; .* and 5995 more problems$/);
    assert.ok(error.message.length < 1000, `${error.message.length} characters`);
  });

  describe('journal', () => {
    const put = (id: string, h: string, sequence: number) =>
      ({ type: 'put', kind: 'featureflags', id, record: { h, s: sequence, p: 'demo' } }) as const;

    it('an append is in the next load without any save (a crash right after it loses nothing)', async () => {
      const file = path.join(dir, 'state.json');
      const store = new FileStateStore(file);
      const state = emptyState();
      recordsOf(state, 'featureflags')['demo:a'] = { h: 'old', s: 1, p: 'demo' };
      await store.save(state);
      await store.append([put('demo:a', '', 5), put('demo:b', '', 5)]);
      await store.append([put('demo:b', 'new', 5), { type: 'delete', kind: 'featureflags', id: 'demo:gone' }]);
      assert.deepEqual(recordsOf(await new FileStateStore(file).load(), 'featureflags'), {
        'demo:a': { h: '', s: 5, p: 'demo' },
        'demo:b': { h: 'new', s: 5, p: 'demo' },
      });
    });

    it('replays a mark in flight over the record before it: hash emptied, sequence and provider set, fingerprints kept', async () => {
      const file = path.join(dir, 'state.json');
      const store = new FileStateStore(file);
      const state = emptyState();
      recordsOf(state, 'featureflags')['demo:a'] = { h: 'old', s: 1, p: 'demo', f: 'AAAAAAAAAA["key"]', i: 'input' };
      await store.save(state);
      await store.append([
        { type: 'inflight', kind: 'featureflags', id: 'demo:a', s: 7, p: 'renamed' },
        { type: 'inflight', kind: 'featureflags', id: 'demo:new', s: 7, p: 'demo' },
      ]);
      assert.deepEqual(recordsOf(await new FileStateStore(file).load(), 'featureflags'), {
        'demo:a': { h: '', s: 7, p: 'renamed', f: 'AAAAAAAAAA["key"]' },
        'demo:new': { h: '', s: 7, p: 'demo' },
      });
    });

    it('a line of a shape this version does not write (a newer version) fails the load, naming the journal and line', async () => {
      const file = path.join(dir, 'state.json');
      const store = new FileStateStore(file);
      await store.append([put('demo:a', '', 5)]);
      const { appendFile } = await import('node:fs/promises');
      await appendFile(store.journal, '[{"type":"moved","kind":"featureflags","id":"demo:a","to":"x"}]\n');
      await assert.rejects(
        new FileStateStore(file).load(),
        /state journal .*state\.json\.journal, line 2: not a change this flagsync writes/,
      );
    });

    it('a torn last line (a crash during an append) ends the replay; the lines before it count', async () => {
      const file = path.join(dir, 'state.json');
      const store = new FileStateStore(file);
      await store.append([put('demo:a', '', 5)]);
      const { appendFile } = await import('node:fs/promises');
      await appendFile(store.journal, '[{"type":"put","kind":"featureflags","id":"demo:b","rec');
      assert.deepEqual(recordsOf(await store.load(), 'featureflags'), { 'demo:a': { h: '', s: 5, p: 'demo' } });
    });

    it('an append after a torn line (the next run after the crash) starts a fresh line and is replayed', async () => {
      const file = path.join(dir, 'state.json');
      await new FileStateStore(file).append([put('demo:a', '', 5)]);
      const { appendFile } = await import('node:fs/promises');
      await appendFile(`${file}.journal`, '[{"type":"put","kind":"featureflags","id":"demo:b","rec');
      const next = new FileStateStore(file);
      await next.append([put('demo:c', '', 6)]);
      assert.deepEqual(Object.keys(recordsOf(await next.load(), 'featureflags')).sort(), ['demo:a', 'demo:c']);
    });

    it("a run's appends go to one open journal; after the save the next run's appends start a new one", async () => {
      const file = path.join(dir, 'state.json');
      const store = new FileStateStore(file);
      await store.append([put('demo:a', '', 5)]);
      await store.append([put('demo:a', 'first', 5)]);
      const state = await store.load();
      await store.save(state);
      // The save removed the journal: an append into the one open before would be lost with it.
      await store.append([put('demo:b', '', 6)]);
      await store.append([put('demo:b', 'second', 6)]);
      assert.deepEqual(recordsOf(await new FileStateStore(file).load(), 'featureflags'), {
        'demo:a': { h: 'first', s: 5, p: 'demo' },
        'demo:b': { h: 'second', s: 6, p: 'demo' },
      });
      const lines = (await readFile(store.journal, 'utf8')).split('\n').filter((line) => line !== '');
      assert.equal(lines.length, 2);
    });

    it('save folds the journal into the snapshot and drops it', async () => {
      const file = path.join(dir, 'state.json');
      const store = new FileStateStore(file);
      await store.append([put('demo:a', '', 5)]);
      const state = await store.load();
      recordsOf(state, 'featureflags')['demo:a'] = { h: 'accepted', s: 5, p: 'demo' };
      await store.save(state);
      assert.deepEqual(
        await readdir(dir),
        ['state.json', 'state.json.summary'],
        'the journal is gone; the summary describes the new snapshot',
      );
      assert.deepEqual(recordsOf(await store.load(), 'featureflags'), { 'demo:a': { h: 'accepted', s: 5, p: 'demo' } });
    });

    it('keeps the devinfo repositories whose first sync is done: replayed from the journal, then in the snapshot', async () => {
      const file = path.join(dir, 'state.json');
      const store = new FileStateStore(file);
      const before = { version: 1, entities: { devinfo: { 'web/commit/1': { h: 'x', s: 1, p: 'code' } } }, repositories: {} };
      await writeFile(file, JSON.stringify(before));
      assert.deepEqual(await store.load(), before);
      await store.append([
        { type: 'repository', id: 'web', record: { p: 'code' } },
        { type: 'repository', id: 'api', record: { p: 'code' } },
      ]);
      await store.append([{ type: 'repository', id: 'api' }]);
      const replayed = await new FileStateStore(file).load();
      assert.deepEqual(replayed.repositories, { web: { p: 'code' } });
      await store.save(replayed);
      assert.deepEqual(await readdir(dir), ['state.json', 'state.json.summary']);
      assert.deepEqual(await new FileStateStore(file).load(), { ...before, repositories: { web: { p: 'code' } } });
    });

    it('a snapshot written before repository records existed: each repository with an accepted record gets one as it loads', async () => {
      const file = path.join(dir, 'state.json');
      const devinfo = {
        'web/commit/1': { h: 'x', s: 1, p: 'code' },
        // Moved to another provider: the latest accepted record names the provider that holds it now.
        'web/branch/main': { h: 'y', s: 3, p: 'code-api' },
        'web/branch/old': { h: 'z', s: 2, p: 'code' },
        // In flight only: Jira never confirmed anything of it, so its first sync is not done.
        'api/commit/2': { h: '', s: 4, p: 'code' },
      };
      await writeFile(file, JSON.stringify({ version: 1, entities: { featureflags: { 'demo:a': { h: 'f', s: 1, p: 'demo' } }, devinfo } }));
      // The journal of a run cut short after the upgrade is replayed over the seeded snapshot, never seeded from.
      await new FileStateStore(file).append([
        { type: 'put', kind: 'devinfo', id: 'new/commit/3', record: { h: 'n', s: 5, p: 'code' } },
        { type: 'repository', id: 'api', record: { p: 'code' } },
      ]);
      const loaded = await new FileStateStore(file).load();
      assert.deepEqual(loaded.repositories, { web: { p: 'code-api' }, api: { p: 'code' } });
      // Once saved, the snapshot says which repositories are done: none is seeded again.
      applyRecordChange(loaded, { type: 'repository', id: 'web' });
      await new FileStateStore(file).save(loaded);
      assert.deepEqual((await new FileStateStore(file).load()).repositories, { api: { p: 'code' } });
    });

    it('checkWritable leaves nothing behind and rejects, naming the folder, when it cannot write', async () => {
      const store = new FileStateStore(path.join(dir, 'sub', 'state.json'));
      await store.checkWritable();
      assert.deepEqual(await readdir(path.join(dir, 'sub')), []);
      await writeFile(path.join(dir, 'blocker'), 'a file where the folder should be');
      await assert.rejects(
        new FileStateStore(path.join(dir, 'blocker', 'state.json')).checkWritable(),
        /state folder .*blocker cannot be written/,
      );
    });
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

/**
 * A store over `memory` whose appends go by a script, by their number (1, 2, …): `hold` waits for `release()`, then
 * writes; `hold-fail` waits, then fails; `fail` fails at once; the others write. `seen` gets what each write holds.
 */
function scriptedAppends(
  memory: MemoryStateStore,
  script: Readonly<Record<number, 'hold' | 'hold-fail' | 'fail'>>,
  seen: (changes: readonly RecordChange[]) => void = () => undefined,
): { store: StateStore; release: () => void } {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  let writes = 0;
  const store: StateStore = {
    load: memory.load,
    save: memory.save,
    checkWritable: memory.checkWritable,
    append: async (changes) => {
      const step = script[++writes];
      if (step === 'hold' || step === 'hold-fail') await held;
      if (step === 'fail' || step === 'hold-fail') throw new Error('EIO');
      seen(changes);
      await memory.append(changes);
    },
  };
  return { store, release: () => release() };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

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

  it("hands the store a repository's record (set or dropped) once, the last, and keeps it for the next save if one fails", async () => {
    const store = new MemoryStateStore({ version: 1, entities: {}, repositories: { old: { p: 'code' } } });
    let fail = true;
    const flaky: StateStore = {
      ...store,
      save: async (state, changes) => {
        if (fail) throw new Error('disk full');
        await store.save(state, changes);
      },
    };
    const ledger = new StateLedger(flaky, await store.load(), options);
    ledger.setRepository('web', { p: 'code' });
    ledger.setRepository('web', { p: 'renamed' });
    ledger.setRepository('old', undefined);
    ledger.setRepository('never', undefined);
    assert.deepEqual(ledger.state.repositories, { web: { p: 'renamed' } });
    assert.equal(ledger.hasChanges, true);
    await assert.rejects(ledger.save(), /disk full/);
    fail = false;
    await ledger.save();
    assert.deepEqual(store.saves, [
      [
        { type: 'repository', id: 'web', record: { p: 'renamed' } },
        { type: 'repository', id: 'old' },
      ],
    ]);
    assert.deepEqual(store.snapshot().repositories, { web: { p: 'renamed' } });
  });

  it('checkpoint appends what landed only once the interval has passed since the last write', async () => {
    let now = 0;
    const store = new MemoryStateStore();
    const ledger = new StateLedger(store, await store.load(), { now: () => now, saveIntervalMs: 1000 });
    ledger.put('devinfo', 'r/branch/main', { h: '1', s: 1, p: 'git' });
    await ledger.checkpoint();
    assert.equal(store.appends.length, 0);
    now = 1000;
    await ledger.checkpoint();
    assert.deepEqual([store.appends.length, store.saves.length], [1, 0]);
    assert.deepEqual(recordsOf(store.snapshot(), 'devinfo'), { 'r/branch/main': { h: '1', s: 1, p: 'git' } });
  });

  it('markInFlight is durable before it returns: the store holds the entities dirty, sequence raised, fingerprints kept', async () => {
    const initial = emptyState();
    recordsOf(initial, 'featureflags')['demo:a'] = { h: 'old', s: 3, p: 'demo', f: { name: 'x' }, i: 'input' };
    const store = new MemoryStateStore(initial);
    const ledger = new StateLedger(store, await store.load(), options);
    await ledger.markInFlight('featureflags', [
      { id: 'demo:a', sequence: 9, provider: 'demo' },
      { id: 'demo:new', sequence: 9, provider: 'demo' },
    ]);
    assert.deepEqual(recordsOf(store.snapshot(), 'featureflags'), {
      'demo:a': { h: '', s: 9, p: 'demo', f: { name: 'x' } },
      'demo:new': { h: '', s: 9, p: 'demo' },
    });
    assert.equal(store.saves.length, 0, 'an append, not a whole save');
  });

  it('markInFlight appends only the marks, without fingerprints; what landed waits for the checkpoint or the save', async () => {
    let now = 0;
    const initial = emptyState();
    recordsOf(initial, 'featureflags')['demo:a'] = { h: 'old', s: 3, p: 'demo', f: 'AAAAAAAAAA["key"]' };
    const store = new MemoryStateStore(initial);
    const ledger = new StateLedger(store, await store.load(), { now: () => now, saveIntervalMs: 1000 });
    await ledger.markInFlight('featureflags', [{ id: 'demo:a', sequence: 9, provider: 'demo' }]);
    ledger.put('featureflags', 'demo:a', { h: 'new', s: 9, p: 'demo', f: 'BBBBBBBBBB["key"]' });
    await ledger.markInFlight('featureflags', [{ id: 'demo:b', sequence: 9, provider: 'demo' }]);
    assert.deepEqual(store.appends, [
      [{ type: 'inflight', kind: 'featureflags', id: 'demo:a', s: 9, p: 'demo' }],
      [{ type: 'inflight', kind: 'featureflags', id: 'demo:b', s: 9, p: 'demo' }],
    ]);
    assert.equal(recordsOf(store.snapshot(), 'featureflags')['demo:a']!.h, '', 'landed, not yet written: still in flight');
    now = 1000;
    await ledger.checkpoint();
    assert.deepEqual(store.appends[2], [
      { type: 'put', kind: 'featureflags', id: 'demo:a', record: { h: 'new', s: 9, p: 'demo', f: 'BBBBBBBBBB["key"]' } },
    ]);
  });

  it('marks made while a write is under way go together in the next write; each call returns once its marks are held', async () => {
    const memory = new MemoryStateStore();
    const appended: string[][] = [];
    // The first write is slow: the others queue behind it.
    const { store, release } = scriptedAppends(memory, { 1: 'hold' }, (changes) =>
      appended.push(changes.map((c) => (c.type === 'source' ? c.provider : c.id))),
    );
    const ledger = new StateLedger(store, await memory.load(), options);
    const mark = (id: string) => ledger.markInFlight('featureflags', [{ id, sequence: 1, provider: 'demo' }]);
    const returned: string[] = [];
    const all = [mark('a').then(() => returned.push('a'))];
    await tick(); // a's write is under way, held
    all.push(...['b', 'c'].map((id) => mark(id).then(() => returned.push(id))));
    await tick();
    assert.deepEqual(returned, [], 'nothing returns before its marks are written');
    release();
    await Promise.all(all);
    assert.deepEqual(appended, [['a'], ['b', 'c']]);
    assert.deepEqual(Object.keys(recordsOf(memory.snapshot(), 'featureflags')).sort(), ['a', 'b', 'c']);
  });

  it('a shared write that fails fails every call whose marks it carried', async () => {
    const memory = new MemoryStateStore();
    const { store, release } = scriptedAppends(memory, { 1: 'hold', 2: 'fail' });
    const ledger = new StateLedger(store, await memory.load(), options);
    const mark = (id: string) => ledger.markInFlight('featureflags', [{ id, sequence: 1, provider: 'demo' }]);
    const outcome = (id: string) =>
      mark(id).then(
        () => 'ok',
        (e: Error) => e.message,
      );
    const results = [outcome('a')];
    await tick(); // a's write is under way, held
    results.push(outcome('b'), outcome('c'));
    release();
    assert.deepEqual(await Promise.all(results), ['ok', 'EIO', 'EIO']);
    assert.equal(ledger.signal.aborted, true);
  });

  it('a mark over a change not yet written goes whole: the store never replays it over an older record', async () => {
    const store = new MemoryStateStore();
    const ledger = new StateLedger(store, await store.load(), options);
    ledger.put('featureflags', 'demo:a', { h: 'restored', s: 4, p: 'demo', f: 'CCCCCCCCCC["key"]' });
    await ledger.markInFlight('featureflags', [{ id: 'demo:a', sequence: 9, provider: 'demo' }]);
    assert.deepEqual(store.appends, [
      [{ type: 'put', kind: 'featureflags', id: 'demo:a', record: { h: '', s: 9, p: 'demo', f: 'CCCCCCCCCC["key"]' } }],
    ]);
  });

  it('marks that could not be written are written with the next write', async () => {
    const initial = emptyState();
    recordsOf(initial, 'featureflags')['demo:a'] = { h: 'old', s: 3, p: 'demo', f: 'AAAAAAAAAA["key"]' };
    const store = new MemoryStateStore(initial);
    const ledger = new StateLedger(store, await store.load(), options);
    store.failWrites = new Error('EIO');
    await assert.rejects(ledger.markInFlight('featureflags', [{ id: 'demo:a', sequence: 9, provider: 'demo' }]), /EIO/);
    store.failWrites = undefined;
    ledger.put('featureflags', 'demo:b', { h: 'b', s: 1, p: 'demo' });
    await ledger.save();
    assert.deepEqual(recordsOf(store.snapshot(), 'featureflags'), {
      'demo:a': { h: '', s: 9, p: 'demo', f: 'AAAAAAAAAA["key"]' },
      'demo:b': { h: 'b', s: 1, p: 'demo' },
    });
  });

  it('a newer mark of an entity whose failed write carried a change the store lacks is written whole', async () => {
    const initial = emptyState();
    recordsOf(initial, 'featureflags')['demo:a'] = { h: 'old', s: 3, p: 'demo', f: 'AAAAAAAAAA["key"]' };
    const memory = new MemoryStateStore(initial);
    const { store, release } = scriptedAppends(memory, { 1: 'hold-fail', 2: 'fail' });
    const ledger = new StateLedger(store, await memory.load(), options);
    // Not yet written, so the first mark goes whole (fingerprints B), in a write that will fail.
    ledger.put('featureflags', 'demo:a', { h: 'restored', s: 4, p: 'demo', f: 'BBBBBBBBBB["key"]' });
    const first = ledger.markInFlight('featureflags', [{ id: 'demo:a', sequence: 9, provider: 'demo' }]);
    await tick();
    // Meanwhile a newer mark: the queue is empty (the first was taken), so it is queued as a bare mark.
    const second = ledger.markInFlight('featureflags', [{ id: 'demo:a', sequence: 10, provider: 'demo' }]);
    release();
    await assert.rejects(first, /EIO/);
    await assert.rejects(second, /EIO/);
    await ledger.save();
    // Replayed as a bare mark over the store's record, it would keep fingerprints A, which no longer describe it.
    assert.deepEqual(recordsOf(memory.snapshot(), 'featureflags')['demo:a'], { h: '', s: 10, p: 'demo', f: 'BBBBBBBBBB["key"]' });
  });

  it('marks carried by a failed write of everything (a checkpoint) fail their call: nothing is sent unmarked', async () => {
    let now = 0;
    const memory = new MemoryStateStore();
    const { store, release } = scriptedAppends(memory, { 1: 'hold', 2: 'fail' });
    const ledger = new StateLedger(store, await memory.load(), { now: () => now, saveIntervalMs: 1000 });
    const first = ledger.markInFlight('featureflags', [{ id: 'demo:a', sequence: 1, provider: 'demo' }]);
    await tick();
    ledger.put('featureflags', 'demo:landed', { h: 'x', s: 1, p: 'demo' });
    now = 1000;
    const checkpoint = ledger.checkpoint(); // a write of everything, queued behind the held one
    const second = ledger.markInFlight('featureflags', [{ id: 'demo:b', sequence: 1, provider: 'demo' }]);
    release();
    await first;
    await assert.rejects(checkpoint, /EIO/); // the run ignores this (apply.ts) and stops on ledger.signal
    await assert.rejects(second, /EIO/);
    assert.equal(ledger.signal.aborted, true);
  });

  it('a store that cannot be written: markInFlight rejects and the ledger signal stops the run with the cause', async () => {
    const store = new MemoryStateStore();
    const ledger = new StateLedger(store, await store.load(), options);
    store.failWrites = new Error('ENOSPC: no space left on device');
    await assert.rejects(ledger.markInFlight('featureflags', [{ id: 'demo:a', sequence: 1, provider: 'demo' }]), /ENOSPC/);
    assert.equal(ledger.signal.aborted, true);
    assert.equal(ledger.failed, 'ENOSPC: no space left on device');
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
      append: store.append,
      checkWritable: store.checkWritable,
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
