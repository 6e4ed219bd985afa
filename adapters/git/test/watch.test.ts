import { strict as assert } from 'node:assert';
import { rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { silentLogger } from '../../../src/kit';
import { tempDir } from '../../../test/helpers/flagd-fixtures';
import { TestRepo } from '../../../test/helpers/git-repo';
import { adapter as gitAdapter, type GitOptions } from '..';
import { devinfoSourceFromEntry } from '../../../src/kit/testing';

/** Watch mode of the git adapter on real repositories: local refs, and a remote asked with ls-remote. */
const POLL_MS = 30;
const QUIET_WINDOW_MS = 600;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('git watch', () => {
  let dir: string;
  let repo: TestRepo;
  let controller: AbortController;

  beforeEach(async () => {
    dir = await tempDir('flagsync-git-watch-');
    repo = new TestRepo(path.join(dir, 'web'));
    repo.commit('PROJ-1 initial import');
    controller = new AbortController();
  });
  afterEach(async () => {
    controller.abort();
    await rm(dir, { recursive: true, force: true });
  });

  async function watching(repository: Partial<GitOptions['repositories'][number]>): Promise<{ count: () => number }> {
    const adapter = devinfoSourceFromEntry(
      gitAdapter,
      { name: 'code', repositories: [{ name: 'web', url: 'https://git.example/web', ...repository }] },
      { configDir: dir, logger: silentLogger },
    );
    let count = 0;
    await adapter.watch!(() => count++, controller.signal, POLL_MS);
    return { count: () => count };
  }

  async function until(check: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await pause(10);
    }
  }

  for (const kind of ['a local repository (its refs)', 'a remote (git ls-remote)'] as const) {
    it(`${kind}: a new commit and a new branch are each announced; a checkout or a file edited is not`, async () => {
      const seen = await watching(kind.startsWith('a local') ? { path: 'web' } : { remote: repo.dir, mirror: 'mirror.git' });
      repo.checkout('main');
      await writeFile(path.join(repo.dir, 'scratch.txt'), 'not committed');
      await pause(QUIET_WINDOW_MS);
      assert.equal(seen.count(), 0);
      repo.commit('PROJ-2 more');
      await until(() => seen.count() === 1, 'the commit to be announced');
      repo.checkout('PROJ-3-login', true);
      await until(() => seen.count() === 2, 'the branch to be announced');
      await pause(QUIET_WINDOW_MS);
      assert.equal(seen.count(), 2);
    });
  }
});
