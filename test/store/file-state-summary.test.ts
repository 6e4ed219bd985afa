import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { emptyState, recordsOf, sourcesOf, summarize, type SyncState } from '../../src/reconcile/state';
import { FileStateStore } from '../../src/store/file/file-state-store';

function stateWith(records: number, dirty = false): SyncState {
  const state = emptyState();
  for (let i = 0; i < records; i++)
    recordsOf(state, 'featureflags')[`files:F-${i}`] = { h: dirty && i === 0 ? '' : `h${i}`, s: i, p: 'files' };
  recordsOf(state, 'devinfo')['git:repo'] = { h: 'r', s: 1, p: 'git' };
  sourcesOf(state)['files'] = { f: 'bytes', m: 'mapping', n: records, u: 0 };
  return state;
}

/** The summary kept beside the state file: only ever what `load` would answer, else nothing. */
describe('FileStateStore summary (state.json.summary)', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'flagsync-summary-'));
    file = path.join(dir, 'state.json');
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('a save leaves the summary of what it saved: counts and in-flight marks per kind and provider, source records', async () => {
    const store = new FileStateStore(file);
    await store.save(stateWith(3, true));
    const summary = await store.loadSummary();
    assert.deepEqual(summary, {
      sources: { files: { f: 'bytes', m: 'mapping', n: 3, u: 0 } },
      holdings: { featureflags: { files: { n: 3, dirty: true } }, devinfo: { git: { n: 1, dirty: false } } },
    });
    assert.deepEqual(summary, summarize(await store.load()));
  });

  it('none while a journal is pending: the records are not what the snapshot says', async () => {
    const store = new FileStateStore(file);
    await store.save(stateWith(2));
    await store.append([{ type: 'put', kind: 'featureflags', id: 'files:F-0', record: { h: '', s: 9, p: 'files' } }]);
    assert.equal(await store.loadSummary(), undefined);
    await store.save(await store.load());
    assert.equal((await store.loadSummary())?.holdings.featureflags?.['files']?.dirty, true);
  });

  it('none when the state file was replaced (restored, edited by hand); kept again for what a run loaded', async () => {
    const store = new FileStateStore(file);
    await store.save(stateWith(2));
    await writeFile(file, JSON.stringify(stateWith(5)));
    assert.equal(await store.loadSummary(), undefined, 'the summary of another file is not used');
    const loaded = await store.load();
    assert.equal(await store.loadSummary(), undefined, 'a load alone (plan, status) writes nothing');
    await store.keepSummary(loaded);
    assert.equal((await store.loadSummary())?.holdings.featureflags?.['files']?.n, 5);
  });

  it('a state saved before summaries existed gets one after a run that changed nothing; an unreadable one counts as none', async () => {
    await writeFile(file, JSON.stringify(stateWith(4)));
    const store = new FileStateStore(file);
    assert.equal(await store.loadSummary(), undefined);
    await store.keepSummary(await store.load());
    assert.equal((await store.loadSummary())?.sources['files']?.n, 4);
    await writeFile(store.summary, '{"version":1,"snapsh');
    assert.equal(await store.loadSummary(), undefined);
  });

  it('keepSummary writes nothing once the snapshot it loaded was replaced or a journal was started', async () => {
    const store = new FileStateStore(file);
    await writeFile(file, JSON.stringify(stateWith(4)));
    const loaded = await store.load();
    await writeFile(file, JSON.stringify(stateWith(6)));
    await store.keepSummary(loaded);
    assert.equal(await store.loadSummary(), undefined);
    const again = await store.load();
    await store.append([{ type: 'delete', kind: 'featureflags', id: 'files:F-0' }]);
    await store.keepSummary(again);
    assert.equal(await store.loadSummary(), undefined);
  });

  it('a save drops the old summary before it replaces the snapshot', async () => {
    const store = new FileStateStore(file);
    await store.save(stateWith(2));
    // A save that fails after removing the summary (here: the snapshot path is a folder now) leaves none behind.
    await rm(file);
    await mkdir(file);
    await assert.rejects(store.save(stateWith(3)));
    await assert.rejects(readFile(store.summary, 'utf8'), /ENOENT/);
  });

  it('no state file yet: no summary, and none is written', async () => {
    const store = new FileStateStore(file);
    await store.load();
    assert.equal(await store.loadSummary(), undefined);
  });
});
