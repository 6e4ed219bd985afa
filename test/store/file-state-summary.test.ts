import { strict as assert } from 'node:assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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

  it('none when the state file was replaced (restored, edited by hand); the next load writes a new one', async () => {
    const store = new FileStateStore(file);
    await store.save(stateWith(2));
    await writeFile(file, JSON.stringify(stateWith(5)));
    assert.equal(await store.loadSummary(), undefined, 'the summary of another file is not used');
    await store.load();
    assert.equal((await store.loadSummary())?.holdings.featureflags?.['files']?.n, 5);
  });

  it('a state saved before summaries existed gets one at its first load; an unreadable summary counts as none', async () => {
    await writeFile(file, JSON.stringify(stateWith(4)));
    const store = new FileStateStore(file);
    assert.equal(await store.loadSummary(), undefined);
    await store.load();
    assert.equal((await store.loadSummary())?.sources['files']?.n, 4);
    await writeFile(store.summary, '{"version":1,"snapsh');
    assert.equal(await store.loadSummary(), undefined);
  });

  it('no state file yet: no summary, and none is written', async () => {
    const store = new FileStateStore(file);
    await store.load();
    assert.equal(await store.loadSummary(), undefined);
  });
});
