import { strict as assert } from 'node:assert';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileStateStore } from '../../src/reconcile/state-store';
import { emptyState, recordsOf } from '../../src/reconcile/state';

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
