import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import { isLeft, isRight } from 'fp-ts/Either';
import { type DevinfoSnapshot, silentLogger } from '../../../src/kit';
import { devinfoSourceFromEntry, linkedDevinfo, sourceFromEntry } from '../../../src/kit/testing';
import { tempDir } from '../../../test/helpers/flagd-fixtures';
import { TEST_REPO_CLOCK, TestRepo } from '../../../test/helpers/git-repo';
import { adapter as gitAdapter, type GitOptions } from '..';
import { diffsMerges, GitError, gitEnvironment } from '../git';

function source(options: Partial<GitOptions> & Pick<GitOptions, 'repositories'>, configDir: string) {
  return devinfoSourceFromEntry(gitAdapter, { name: 'code', ...options }, { configDir, logger: silentLogger });
}

const signal = () => new AbortController().signal;
/** The adapter's snapshot as the core links it (only branches and commits carrying issue keys). */
const linked = (snapshot: Promise<DevinfoSnapshot>) => snapshot.then(linkedDevinfo);

describe('git devinfo adapter', () => {
  let dir: string;
  let repo: TestRepo;
  let sha: { keyed: string; plain: string; feature: string; merge: string };

  before(async () => {
    dir = await tempDir('flagsync-git-');
    repo = new TestRepo(path.join(dir, 'web'));
    repo.commit('Initial import');
    const keyed = repo.commit('PROJ-1 add readme', { 'README.md': 'hi', 'a.txt': 'a', 'b.txt': 'b' });
    repo.checkout('feature/PROJ-9-login', true);
    const feature = repo.commit('login form');
    repo.checkout('main');
    const plain = repo.commit('tidy up, utf-8 everywhere');
    const merge = repo.merge('feature/PROJ-9-login', 'Merge PROJ-9 login');
    repo.checkout('chore/no-key', true);
    repo.commit('just a chore');
    repo.checkout('main');
    sha = { keyed, plain, feature, merge };
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const read = async (extra: Record<string, unknown> = {}) => {
    const snapshot = await linked(
      source({ repositories: [{ name: 'web', path: 'web', url: 'https://git.example/acme/web', ...extra }] }, dir).snapshot(signal()),
    );
    return snapshot.repositories[0]!;
  };

  it('lists branches whose name carries an issue key, with the tip commit', async () => {
    const web = await read();
    const feature = web.branches.find((b) => b.name === 'feature/PROJ-9-login');
    assert.deepEqual(feature?.issueKeys, ['PROJ-9']);
    assert.equal(feature?.lastCommit.sha, sha.feature);
  });

  it('lists branches without a key in the name when the tip commit message has one', async () => {
    const web = await read();
    assert.deepEqual(web.branches.find((b) => b.name === 'main')?.lastCommit.issueKeys, ['PROJ-9']);
  });

  it('leaves out branches with no issue key anywhere', async () => {
    const web = await read();
    assert.equal(
      web.branches.find((b) => b.name === 'chore/no-key'),
      undefined,
    );
  });

  it('takes no issue key from lower-case words in branch names', async () => {
    const bots = new TestRepo(path.join(dir, 'bots'));
    bots.commit('Initial import');
    for (const name of ['renovate/node-20.x', 'dependabot/npm_and_yarn/axios-1.6.0', 'release-2025', 'feature/proj-9-login'])
      bots.git('branch', name);
    bots.git('branch', 'feature/PROJ-10-real');
    const snapshot = await linked(
      source({ repositories: [{ name: 'bots', path: 'bots', url: 'https://git.example/acme/bots' }] }, dir).snapshot(signal()),
    );
    assert.deepEqual(
      snapshot.repositories[0]!.branches.map((b) => b.name),
      ['feature/PROJ-10-real'],
    );
  });

  it('names a branch by its own name when a tag has the same name', async () => {
    const tagged = new TestRepo(path.join(dir, 'tagged'));
    tagged.commit('Initial import');
    tagged.git('branch', 'PROJ-5-release');
    tagged.git('tag', 'PROJ-5-release');
    const snapshot = await linked(
      source({ repositories: [{ name: 'tagged', path: 'tagged', url: 'https://git.example/acme/tagged' }] }, dir).snapshot(signal()),
    );
    assert.deepEqual(
      snapshot.repositories[0]!.branches.map((b) => b.name),
      ['PROJ-5-release'],
    );
  });

  it('lists only commits whose message carries an issue key (upper case in prose)', async () => {
    const web = await read();
    assert.deepEqual(web.commits.map((c) => c.sha).sort(), [sha.keyed, sha.merge].sort());
  });

  it('reads author, UTC timestamp and files changed count', async () => {
    const commit = (await read()).commits.find((c) => c.sha === sha.keyed)!;
    assert.deepEqual(
      { name: commit.authorName, email: commit.authorEmail, files: commit.filesChanged, merge: commit.merge },
      { name: 'Ada Dev', email: 'ada@example.com', files: 3, merge: false },
    );
    // The fixture's clock: TEST_REPO_CLOCK plus one minute per commit; this is the second commit.
    assert.equal(commit.timestamp, new Date((TEST_REPO_CLOCK + 120) * 1000).toISOString());
  });

  it("reads a commit whole when its author or message holds git log's record separator (\\x1e), keeping its branch", async () => {
    const odd = new TestRepo(path.join(dir, 'odd'));
    odd.commit('Initial import');
    odd.checkout('feature/PROJ-2-x', true);
    writeFileSync(path.join(odd.dir, 'x.txt'), 'x');
    odd.git('add', '--all');
    odd.git('commit', '--quiet', '--author', 'Bob\x1eSmith <bob@example.com>', '-m', 'PROJ-2 first part\x1e second part PROJ-3');
    const snapshot = await linked(
      source({ repositories: [{ name: 'odd', path: 'odd', url: 'https://git.example/acme/odd' }] }, dir).snapshot(signal()),
    );
    const tip = odd.head();
    const commit = snapshot.repositories[0]!.commits.find((c) => c.sha === tip);
    assert.deepEqual(
      [commit?.authorName, commit?.message, commit?.filesChanged, commit?.issueKeys],
      ['Bob\x1eSmith', 'PROJ-2 first part\x1e second part PROJ-3', 1, ['PROJ-2', 'PROJ-3']],
    );
    assert.equal(snapshot.repositories[0]!.branches.find((b) => b.name === 'feature/PROJ-2-x')?.lastCommit.sha, tip);
  });

  it('passes on an author time past what a date can hold as git wrote it (the core leaves that commit out), not failing the read', async () => {
    const far = new TestRepo(path.join(dir, 'far'));
    far.commit('PROJ-2 fine');
    const date = '@99999999999999 +0000';
    execFileSync('git', ['commit', '--quiet', '--allow-empty', '-m', 'PROJ-3 from the far future'], {
      cwd: far.dir,
      env: {
        ...process.env,
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_DATE: date,
        GIT_AUTHOR_NAME: 'A',
        GIT_AUTHOR_EMAIL: 'a@x',
        GIT_COMMITTER_NAME: 'A',
        GIT_COMMITTER_EMAIL: 'a@x',
      },
    });
    const snapshot = await linked(
      source({ repositories: [{ name: 'far', path: 'far', url: 'https://git.example/acme/far' }] }, dir).snapshot(signal()),
    );
    const times = snapshot.repositories[0]!.commits.map((c) => c.timestamp).sort();
    assert.deepEqual(times, ['@99999999999999', new Date((TEST_REPO_CLOCK + 60) * 1000).toISOString()].sort());
  });

  it('flags merge commits', async () => {
    assert.equal((await read()).commits.find((c) => c.sha === sha.merge)?.merge, true);
  });

  it("counts a merge commit's files against the branch it was merged into", async () => {
    // The merge brought in the feature branch's one file; a plain `git log --shortstat` shows merges no stat at all.
    const web = await read();
    assert.equal(web.commits.find((c) => c.sha === sha.merge)?.filesChanged, 1);
    // A branch tip that is a merge is read on its own (`--no-walk`): the same count.
    assert.equal(web.branches.find((b) => b.name === 'main')?.lastCommit.filesChanged, 1);
  });

  it('tells a git that can count merge files (2.31 and later) from one that cannot', () => {
    assert.deepEqual(['2.30.9', '2.31.0', '2.39.3', '2.43.0.windows.1', '3.0.0', '1.9.5', undefined, 'unknown'].map(diffsMerges), [
      false,
      true,
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  it('builds commit and branch URLs from the Gitea preset by default', async () => {
    const web = await read();
    assert.equal(web.commits.find((c) => c.sha === sha.keyed)?.url, `https://git.example/acme/web/commit/${sha.keyed}`);
    assert.equal(
      web.branches.find((b) => b.name === 'feature/PROJ-9-login')?.url,
      'https://git.example/acme/web/src/branch/feature/PROJ-9-login',
    );
  });

  it('uses the GitLab preset when asked', async () => {
    const web = await read({ preset: 'gitlab' });
    assert.equal(
      web.branches.find((b) => b.name === 'feature/PROJ-9-login')?.url,
      'https://git.example/acme/web/-/tree/feature/PROJ-9-login',
    );
  });

  it('encodes the branch for Bitbucket Server query-style URLs', async () => {
    const web = await read({ preset: 'bitbucket-server' });
    assert.equal(
      web.branches.find((b) => b.name === 'feature/PROJ-9-login')?.url,
      'https://git.example/acme/web/browse?at=refs%2Fheads%2Ffeature%2FPROJ-9-login',
    );
  });

  it('honours maxCommits (most recent first)', async () => {
    const web = await linked(
      source({ maxCommits: 2, repositories: [{ name: 'web', path: 'web', url: 'https://git.example/acme/web' }] }, dir).snapshot(signal()),
    );
    // The two most recent commits are the chore and the merge; only the merge carries a key.
    assert.deepEqual(
      web.repositories[0]!.commits.map((c) => c.sha),
      [sha.merge],
    );
  });

  describe('commits pushed after the last read (its cursor)', () => {
    const day = 86_400;
    let late: TestRepo;
    let lateSha: string;
    let cursor: string;
    let mainAtFirstRead: string;
    const lateSource = () =>
      source({ maxCommits: 2, repositories: [{ name: 'late', path: 'late', url: 'https://git.example/acme/late' }] }, dir);
    const shasOf = async (cursors?: Map<string, string>) => {
      const snapshot = await linked(lateSource().snapshot(signal(), cursors === undefined ? undefined : { cursors }));
      return snapshot.repositories[0]!.commits.map((c) => c.sha);
    };

    before(async () => {
      late = new TestRepo(path.join(dir, 'late'));
      late.commit('PROJ-1 start');
      const base = late.head();
      late.commit('PROJ-2 main work');
      late.commit('PROJ-3 more main work');
      mainAtFirstRead = late.head();
      cursor = (await lateSource().snapshot(signal())).repositories[0]!.cursor!;
      // Work done days ago on a branch from an old commit, pushed only now: older than every commit in the window.
      late.git('branch', 'topic', base);
      late.checkout('topic');
      late.at(TEST_REPO_CLOCK - 10 * day);
      lateSha = late.commit('PROJ-7 done long ago, pushed late');
      late.checkout('main');
      late.at(TEST_REPO_CLOCK + day);
      late.commit('PROJ-4 newest');
    });

    it('gives the branch tips it read as its cursor', () => {
      assert.equal(cursor, mainAtFirstRead);
    });

    it('reads only the most recent commits without a cursor, so a late push is not among them', async () => {
      assert.equal((await shasOf()).includes(lateSha), false);
    });

    it('adds the commits no tip of the cursor reaches, however old their dates', async () => {
      const shas = await shasOf(new Map([['late', cursor]]));
      assert.ok(shas.includes(lateSha), 'the late commit is read');
      assert.ok(shas.includes(late.head()), 'the window is read too');
      assert.equal(new Set(shas).size, shas.length, 'each commit once');
    });

    it('passes over what a cursor names that the repository does not have, or that is no object id', async () => {
      const gone = 'f'.repeat(40);
      const shas = await shasOf(new Map([['late', `${gone},--all,${cursor}`]]));
      assert.ok(shas.includes(lateSha));
    });

    it("reads no cursor of another repository's id", async () => {
      assert.equal((await shasOf(new Map([['other', cursor]]))).includes(lateSha), false);
    });
  });

  it('rejects, naming the repository, when the repository is missing', async () => {
    const missing = source({ repositories: [{ name: 'gone', path: 'nowhere', url: 'https://git.example/acme/gone' }] }, dir);
    await assert.rejects(missing.snapshot(signal()), /code: repository "gone": .*nowhere is not a git repository/);
  });

  describe('a configured path that is not a repository itself', () => {
    it('rejects a plain folder inside another repository instead of reading the enclosing one', async () => {
      mkdirSync(path.join(dir, 'web', 'empty-mount'), { recursive: true });
      const inner = source({ repositories: [{ name: 'mount', path: 'web/empty-mount', url: 'https://git.example/acme/mount' }] }, dir);
      await assert.rejects(inner.snapshot(signal()), /repository "mount": .*empty-mount is not a git repository/);
    });

    it('reads the configured repository even when GIT_DIR and GIT_WORK_TREE point at another one', async () => {
      const otherDir = await tempDir('flagsync-other-');
      const saved = { GIT_DIR: process.env.GIT_DIR, GIT_WORK_TREE: process.env.GIT_WORK_TREE };
      try {
        const other = new TestRepo(otherDir);
        other.checkout('OTHER-1-elsewhere', true);
        other.commit('OTHER-1 elsewhere');
        process.env.GIT_DIR = path.join(otherDir, '.git');
        process.env.GIT_WORK_TREE = otherDir;
        const web = await read();
        assert.deepEqual(web.branches.map((b) => b.name).sort(), ['feature/PROJ-9-login', 'main']);
      } finally {
        for (const [name, value] of Object.entries(saved)) {
          if (value === undefined) delete process.env[name];
          else process.env[name] = value;
        }
        await rm(otherDir, { recursive: true, force: true });
      }
    });

    it('runs git with the parent folder as ceiling and without inherited repository overrides', () => {
      const env = gitEnvironment('/srv/git/web', {
        PATH: '/bin',
        GIT_DIR: '/x/.git',
        GIT_INDEX_FILE: '/x/i',
        GIT_OBJECT_DIRECTORY: '/x/o',
        GIT_COMMON_DIR: '/x',
      });
      assert.deepEqual(
        {
          ceiling: env.GIT_CEILING_DIRECTORIES,
          dir: env.GIT_DIR,
          index: env.GIT_INDEX_FILE,
          objects: env.GIT_OBJECT_DIRECTORY,
          common: env.GIT_COMMON_DIR,
          path: env.PATH,
        },
        { ceiling: '/srv/git', dir: undefined, index: undefined, objects: undefined, common: undefined, path: '/bin' },
      );
    });

    it('accepts a bare repository given by its own folder', async () => {
      const bare = path.join(dir, 'web-bare.git');
      repo.git('clone', '--quiet', '--bare', repo.dir, bare);
      const snapshot = await linked(
        source({ repositories: [{ name: 'bare', path: 'web-bare.git', url: 'https://git.example/acme/bare' }] }, dir).snapshot(signal()),
      );
      assert.ok(snapshot.repositories[0]!.branches.some((b) => b.name === 'feature/PROJ-9-login'));
    });
  });

  describe('unchanged branch tips', () => {
    it('answer "unchanged" to the fingerprint of the last read; a new commit, a new branch or other settings do not', async () => {
      const copy = new TestRepo(path.join(dir, 'skip'));
      copy.commit('PROJ-1 start');
      const web = (extra: Record<string, unknown> = {}) =>
        source({ repositories: [{ name: 'skip', path: 'skip', url: 'https://git.example/acme/skip' }], ...extra }, dir);
      const first = await web().snapshot(signal());
      const fingerprint = first.sourceFingerprint!;
      assert.equal(typeof fingerprint, 'string');
      assert.deepEqual(await web().snapshotUnlessUnchanged!(signal(), fingerprint), { unchanged: true, sourceFingerprint: fingerprint });

      const other = await web({ maxCommits: 5 }).snapshotUnlessUnchanged!(signal(), fingerprint);
      assert.ok('repositories' in other, 'another commit window reads the repository');
      copy.commit('PROJ-2 more');
      const moved = await web().snapshotUnlessUnchanged!(signal(), fingerprint);
      assert.ok('repositories' in moved && moved.sourceFingerprint !== fingerprint, 'a new commit is read');
      copy.git('branch', 'PROJ-3-side');
      const branched = await web().snapshotUnlessUnchanged!(signal(), (moved as DevinfoSnapshot).sourceFingerprint!);
      assert.ok('repositories' in branched, 'a new branch is read');
      assert.deepEqual(branched.repositories[0]!.branches.map((b) => b.name).sort(), ['PROJ-3-side', 'main']);
    });
  });

  it('is a devinfo source, never taken for a flag source', () => {
    const created = sourceFromEntry(gitAdapter, {
      name: 'code',
      repositories: [{ name: 'web', path: 'web', url: 'https://git.example/acme/web' }],
    });
    assert.equal(created.produces, 'devinfo');
  });

  describe('mirrors of remotes', () => {
    it('clones a mirror on first read and prunes deleted branches on the next', async () => {
      const remoteDir = await tempDir('flagsync-remote-');
      try {
        const remote = new TestRepo(remoteDir);
        remote.commit('PROJ-2 start');
        remote.checkout('PROJ-3-gone', true);
        remote.commit('more');
        remote.checkout('main');
        const mirrored = source(
          { repositories: [{ name: 'svc', remote: remoteDir, mirror: 'mirrors/svc.git', url: 'https://git.example/acme/svc' }] },
          dir,
        );
        const first = await linked(mirrored.snapshot(signal()));
        assert.deepEqual(first.repositories[0]!.branches.map((b) => b.name).sort(), ['PROJ-3-gone', 'main']);
        remote.deleteBranch('PROJ-3-gone');
        const second = await linked(mirrored.snapshot(signal()));
        assert.deepEqual(
          second.repositories[0]!.branches.map((b) => b.name),
          ['main'],
        );
      } finally {
        await rm(remoteDir, { recursive: true, force: true });
      }
    });

    it("follows a changed remote: the mirror is pointed at it and reads its branches, not the old repository's", async () => {
      const oldDir = await tempDir('flagsync-remote-old-');
      const newDir = await tempDir('flagsync-remote-new-');
      try {
        const old = new TestRepo(oldDir);
        old.commit('PROJ-2 start');
        old.checkout('PROJ-4-old-only', true);
        old.commit('old work');
        const moved = new TestRepo(newDir);
        moved.commit('PROJ-5 start');
        moved.checkout('PROJ-6-new-only', true);
        moved.commit('new work');
        const entry = (remote: string) => ({
          repositories: [{ name: 'svc', remote, mirror: 'mirrors/svc.git', url: 'https://git.example/acme/svc' }],
        });
        const before = await linked(source(entry(oldDir), dir).snapshot(signal()));
        assert.ok(before.repositories[0]!.branches.some((b) => b.name === 'PROJ-4-old-only'));
        const after = await linked(source(entry(newDir), dir).snapshot(signal()));
        assert.deepEqual(after.repositories[0]!.branches.map((b) => b.name).sort(), ['PROJ-6-new-only', 'main']);
      } finally {
        await rm(oldDir, { recursive: true, force: true });
        await rm(newDir, { recursive: true, force: true });
      }
    });

    describe('the default mirror folder', () => {
      let remoteDir: string;
      let remote: TestRepo;
      let otherDir: string;
      let base: string;
      before(async () => {
        remoteDir = await tempDir('flagsync-remote-');
        remote = new TestRepo(remoteDir);
        remote.commit('PROJ-2 start');
        otherDir = await tempDir('flagsync-remote-other-');
        new TestRepo(otherDir).commit('PROJ-7 start');
      });
      after(async () => {
        await rm(remoteDir, { recursive: true, force: true });
        await rm(otherDir, { recursive: true, force: true });
      });
      beforeEach(async () => {
        base = await tempDir('flagsync-mirror-home-');
        mkdirSync(path.join(base, 'config'));
      });
      afterEach(() => rm(base, { recursive: true, force: true }));

      const repository = (name: string, remote: string) => ({ name, remote, url: `https://git.example/acme/${name}` });
      const isMirror = (...at: string[]) => existsSync(path.join(base, ...at, 'HEAD'));
      /** A git source of `provider` whose host keeps its data beside the state (`base/state`), its config in `base/config`. */
      const besideState = (
        repositories: readonly Record<string, unknown>[],
        provider = 'code',
        logger: typeof silentLogger = silentLogger,
      ) =>
        devinfoSourceFromEntry(
          gitAdapter,
          { name: provider, repositories },
          { configDir: path.join(base, 'config'), dataDir: path.join(base, 'state'), logger },
        );

      it("is mirrors/<provider>/<id>.git in the host's data folder (the state's), not beside the config", async () => {
        const mirrored = besideState([repository('svc', remoteDir)]);
        const read = await linked(mirrored.snapshot(signal()));
        assert.deepEqual(
          read.repositories[0]!.branches.map((b) => b.name),
          ['main'],
        );
        assert.ok(isMirror('state', 'mirrors', 'code', 'svc.git'), "mirror beside the state, in the provider's folder");
        assert.ok(!existsSync(path.join(base, 'config', '.flagsync')), 'nothing written beside the config');
      });

      it('keeps a mirror at the old default beside the config (no clone again after an upgrade); new ones go beside the state', async () => {
        const old = path.join(base, 'config', '.flagsync', 'mirrors', 'svc.git');
        execFileSync('git', ['clone', '--mirror', '--quiet', '--', remoteDir, old]);
        // A branch pushed after the old mirror was made: read only if the old mirror is fetched.
        remote.checkout('PROJ-8-later', true);
        remote.commit('later');
        remote.checkout('main');
        const infos: unknown[] = [];
        const logger = { ...silentLogger, info: (fields: unknown) => infos.push(fields), child: () => logger };
        try {
          const mirrored = besideState([repository('svc', remoteDir), repository('other', otherDir)], 'code', logger);
          const read = await linked(mirrored.snapshot(signal()));
          assert.deepEqual(read.repositories[0]!.branches.map((b) => b.name).sort(), ['PROJ-8-later', 'main']);
          assert.ok(!existsSync(path.join(base, 'state', 'mirrors', 'code', 'svc.git')), 'svc is not cloned again');
          assert.ok(isMirror('state', 'mirrors', 'code', 'other.git'), 'a repository without an old mirror is mirrored beside the state');
          assert.ok(!existsSync(path.join(base, 'config', '.flagsync', 'mirrors', 'other.git')));
          await mirrored.snapshot(signal());
          assert.deepEqual(infos, [
            { provider: 'code', repository: 'svc', mirror: old, newDefault: path.join(base, 'state', 'mirrors', 'code', 'svc.git') },
          ]);
        } finally {
          remote.deleteBranch('PROJ-8-later');
        }
      });

      it('keeps a mirror at the previous default beside the state, mirrors/<id>.git (no clone again after an upgrade)', async () => {
        const previous = path.join(base, 'state', 'mirrors', 'svc.git');
        execFileSync('git', ['clone', '--mirror', '--quiet', '--', remoteDir, previous]);
        const mirrored = besideState([repository('svc', remoteDir)]);
        await mirrored.snapshot(signal());
        assert.ok(!existsSync(path.join(base, 'state', 'mirrors', 'code')), 'not cloned again');
      });

      it("takes over no earlier-default mirror of another remote (another provider's repository of the same name)", async () => {
        const previous = path.join(base, 'state', 'mirrors', 'svc.git');
        execFileSync('git', ['clone', '--mirror', '--quiet', '--', otherDir, previous]);
        const mirrored = besideState([repository('svc', remoteDir)]);
        const read = await linked(mirrored.snapshot(signal()));
        assert.deepEqual(
          read.repositories[0]!.commits.flatMap((c) => c.issueKeys),
          ['PROJ-2'],
        );
        assert.ok(isMirror('state', 'mirrors', 'code', 'svc.git'), 'a mirror of its own');
        const origin = execFileSync('git', ['remote', 'get-url', 'origin'], { cwd: previous, encoding: 'utf8' }).trim();
        assert.equal(origin, otherDir, 'the other mirror is left as it was');
      });

      it('is one per provider: two providers with a repository of the same name on two servers read each its own', async () => {
        const source = (provider: string, remote: string) => besideState([repository('svc', remote)], provider);
        // Read at once, as a run reads its providers.
        const [a, b] = await Promise.all([
          linked(source('team-a', remoteDir).snapshot(signal())),
          linked(source('team-b', otherDir).snapshot(signal())),
        ]);
        const keys = (read: typeof a) => read.repositories[0]!.commits.flatMap((c) => c.issueKeys);
        assert.deepEqual([keys(a), keys(b)], [['PROJ-2'], ['PROJ-7']]);
        assert.ok(isMirror('state', 'mirrors', 'team-a', 'svc.git') && isMirror('state', 'mirrors', 'team-b', 'svc.git'));
      });

      it('is the old one beside the config for a host that passes no data folder', async () => {
        const mirrored = devinfoSourceFromEntry(
          gitAdapter,
          { name: 'code', repositories: [repository('svc', remoteDir)] },
          { configDir: path.join(base, 'config'), logger: silentLogger },
        );
        await mirrored.snapshot(signal());
        assert.ok(isMirror('config', '.flagsync', 'mirrors', 'svc.git'));
      });
    });

    it('names the repository when a remote cannot be reached', async () => {
      const broken = source(
        {
          repositories: [
            { name: 'x', remote: 'https://user:s3cr3t-token@127.0.0.1:1/x.git', mirror: 'mirrors/x.git', url: 'https://git.example/x' },
          ],
        },
        dir,
      );
      await assert.rejects(broken.snapshot(signal()), /repository "x"/);
    });

    it('never shows credentials of a remote in a git error, even when git prints the raw URL', () => {
      const error = new GitError(
        "git clone failed: fatal: unable to access 'https://user:s3cr3t-token@git.example/x.git/': Could not resolve host",
      );
      assert.equal(error.message, "git clone failed: fatal: unable to access 'https://***@git.example/x.git/': Could not resolve host");
    });
  });

  describe('options', () => {
    const decode = (repositories: unknown[]) =>
      gitAdapter.optionsCodec.decode({ name: 'code', adapter: 'git', environments: [], repositories });

    it('accepts the issue example (path, name, url)', () => {
      assert.ok(isRight(decode([{ path: '/srv/git/web.git', name: 'web', url: 'https://git.example/acme/web' }])));
    });

    it('refuses two repositories in one mirror folder', () => {
      const repo = (name: string) => ({
        remote: `https://x/${name}.git`,
        mirror: 'mirrors/shared.git',
        name,
        url: `https://git.example/${name}`,
      });
      assert.ok(isLeft(decode([repo('web'), repo('api')])));
    });

    it('refuses a repository with both path and remote', () => {
      assert.ok(isLeft(decode([{ path: '/a', remote: 'https://x/y.git', name: 'web', url: 'https://git.example/acme/web' }])));
    });

    it('refuses a name that is no Jira repository id unless an id is given', () => {
      assert.ok(isLeft(decode([{ path: '/a', name: 'web app', url: 'https://git.example/acme/web' }])));
      assert.ok(isRight(decode([{ path: '/a', name: 'web app', id: 'web-app', url: 'https://git.example/acme/web' }])));
    });
  });
});
