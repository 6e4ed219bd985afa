import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { adapter as gitAdapter } from '..';
import { devinfoSourceFromEntry } from '../../../src/kit/testing';
import { silentLogger } from '../../../src/kit';
import { TestRepo } from '../../../test/helpers/git-repo';

describe('git adapter fingerprint: history beyond the branch tips', () => {
  it('a shallow clone deepened (same tips, more history) changes the fingerprint, so it is read again; its boundary commit counts 0 files until then', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'shallow-'));
    try {
      const origin = new TestRepo(path.join(dir, 'origin'));
      origin.commit('PROJ-1 first', { 'a.txt': '1' });
      origin.commit('PROJ-2 second', { 'a.txt': '2', 'b.txt': '2' });
      origin.commit('PROJ-3 third', { 'b.txt': '3' });
      execFileSync('git', ['clone', '--quiet', '--depth', '1', `file://${path.join(dir, 'origin')}`, path.join(dir, 'ci')]);
      const src = () =>
        devinfoSourceFromEntry(
          gitAdapter,
          { name: 'code', repositories: [{ name: 'web', path: 'ci', url: 'https://git.example/acme/web' }] },
          { configDir: dir, logger: silentLogger },
        );
      const signal = new AbortController().signal;
      const before = await src().snapshot(signal);
      execFileSync('git', ['fetch', '--quiet', '--unshallow'], { cwd: path.join(dir, 'ci') });
      const after = await src().snapshot(signal);
      const answer = await src().snapshotUnlessUnchanged!(signal, before.sourceFingerprint!);
      assert.notDeepEqual(before.repositories, after.repositories);
      assert.notEqual(before.sourceFingerprint, after.sourceFingerprint);
      assert.ok('repositories' in answer, 'read again, not answered "unchanged"');
      // At the boundary git shows the whole tree as added (a.txt and b.txt): what it changed is not known, so 0.
      const third = (snapshot: typeof before) => snapshot.repositories[0]!.commits.find((c) => c.message === 'PROJ-3 third')!;
      assert.equal(third(before).filesChanged, 0);
      assert.equal(before.repositories[0]!.branches[0]!.lastCommit.filesChanged, 0);
      assert.equal(third(after).filesChanged, 1, 'with its parent fetched, what it changed: b.txt');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
