import { strict as assert } from 'node:assert';
import type { LinkedBranch as DevBranch, LinkedRepository as DevRepository } from '../../src/model/devinfo-links';
import { desiredDevinfo } from '../../src/reconcile/devinfo-desired';
import { devinfoEntityKind } from '../../src/reconcile/devinfo-kind';

const tip = {
  sha: 'a'.repeat(40),
  message: 'PROJ-1 work',
  authorName: 'Ada',
  authorEmail: 'ada@example.com',
  timestamp: '2026-01-02T03:04:05.000Z',
  filesChanged: 1,
  url: 'https://git.example/c/a',
  merge: false,
  issueKeys: ['PROJ-1'],
};
const branch = (name: string): DevBranch => ({
  name,
  // Not the encoded name: 300 CJK characters encode to 2700, past Jira's 2000 for a URL (tested below).
  url: `https://git.example/b/${name.length}`,
  lastCommit: tip,
  issueKeys: ['PROJ-1'],
});
const repo = (...names: string[]): DevRepository => ({
  id: 'web',
  name: 'web',
  url: 'https://git.example/web',
  branches: names.map(branch),
  commits: [],
});

const branchPayloads = (...names: string[]) => desiredDevinfo([repo(...names)], 'code').entities.map((e) => e.payload);

// 300 CJK characters: 900 UTF-8 bytes, 2700 characters once percent-encoded.
const longCjk = `feature/PROJ-1-${'機能'.repeat(150)}`;

describe('devinfo branches within Jira limits', () => {
  it('gives a branch whose name Jira would refuse as an id "~" and the hex of its UTF-8 bytes', () => {
    assert.equal(branchPayloads('feature/PROJ-1-x')[0]!.entity.id, `~${Buffer.from('feature/PROJ-1-x').toString('hex')}`);
  });

  it('keeps a name of only alphanumerics and .-_ as the id', () => {
    assert.equal(branchPayloads('PROJ-1-x_y.z')[0]!.entity.id, 'PROJ-1-x_y.z');
  });

  for (const name of ['feature/PROJ-12-login', 'fix(PROJ-13)', 'PROJ-14 space', 'PROJ-15~tilde', 'PROJ-16-機能', longCjk]) {
    it(`sends and deletes "${name.slice(0, 30)}" under one id of Jira's characters`, () => {
      const id = branchPayloads(name)[0]!.entity.id;
      assert.match(id, /^[A-Za-z0-9~.\-_]{1,1024}$/);
      assert.ok(devinfoEntityKind.entityPath(`web/branch/${name}`).endsWith(`/branch/${id}`));
    });
  }

  it('gives a branch whose encoded name passes 1024 characters an id of at most 1024', () => {
    assert.ok(branchPayloads(longCjk)[0]!.entity.id.length <= 1024);
  });

  it('derives that id from the name, the same on every run and different per name', () => {
    const ids = [branchPayloads(longCjk)[0]!.entity.id, branchPayloads(longCjk)[0]!.entity.id, branchPayloads(`${longCjk}2`)[0]!.entity.id];
    assert.deepEqual([ids[0] === ids[1], ids[0] === ids[2]], [true, false]);
  });

  it('deletes such a branch under the same id it was sent with', () => {
    const [payload] = branchPayloads(longCjk);
    assert.ok(devinfoEntityKind.entityPath(`web/branch/${longCjk}`).endsWith(`/branch/${encodeURIComponent(payload!.entity.id)}`));
  });

  it('sends the branch name as it is when it fits 512 characters', () => {
    assert.equal((branchPayloads(longCjk)[0]!.entity as { name: string }).name, longCjk);
  });

  it('cuts a name over 512 characters and warns about it', () => {
    const name = `PROJ-1-${'x'.repeat(600)}`;
    const desired = desiredDevinfo([repo(name)], 'code');
    const sent = desired.entities[0]!.payload.entity as { name: string };
    assert.deepEqual(
      [sent.name.length <= 512, desired.warnings.some((w) => /branch name longer than 512 characters/.test(w))],
      [true, true],
    );
  });
});

describe('devinfo within Jira limits: URLs and times', () => {
  const withCommits = (...commits: (typeof tip)[]): DevRepository => ({ ...repo(), branches: [], commits });

  it('normalizes an author time to RFC 3339 UTC', () => {
    const { entities } = desiredDevinfo([withCommits({ ...tip, timestamp: '2026-01-02T05:04:05+02:00' })], 'code');
    assert.equal((entities[0]!.payload.entity as { authorTimestamp: string }).authorTimestamp, '2026-01-02T03:04:05.000Z');
  });

  it('does not send a commit whose author time is no date-time, keeps it in Jira, and warns naming it', () => {
    const bad = { ...tip, sha: 'b'.repeat(40), timestamp: 'yesterday' };
    const result = desiredDevinfo([withCommits(tip, bad)], 'code');
    assert.deepEqual(
      result.entities.map((e) => e.id),
      [`web/commit/${tip.sha}`],
    );
    assert.ok(result.keep.has(`web/commit/${bad.sha}`));
    assert.ok(result.warnings.some((w) => w.startsWith(`web/commit/${bad.sha}: author time "yesterday"`)));
  });

  it('does not send a commit or a branch whose URL passes 2000 characters, and keeps them', () => {
    const long = `https://git.example/${'x'.repeat(2000)}`;
    const commit = { ...tip, sha: 'c'.repeat(40), url: long };
    const result = desiredDevinfo([{ ...repo('PROJ-1-a'), branches: [{ ...branch('PROJ-1-a'), url: long }], commits: [commit] }], 'code');
    assert.deepEqual(result.entities, []);
    assert.deepEqual([...result.keep].sort(), [`web/branch/PROJ-1-a`, `web/commit/${commit.sha}`]);
    assert.equal(result.warnings.filter((w) => w.includes('longer than 2000')).length, 2);
  });

  for (const [label, change, warning] of [
    ["an id outside Jira's characters", { sha: 'not/a-sha' }, /commit id "not\/a-sha" is not 1-1024 of/],
    [
      'a URL that is no absolute URL',
      { url: 'git@git.example:acme/web.git' },
      /commit URL "git@git\.example:acme\/web\.git" is no absolute URL/,
    ],
    ['a file count below zero', { filesChanged: -1 }, /file count -1 is no whole number/],
    ['a file count that is no whole number', { filesChanged: 1.5 }, /file count 1\.5 is no whole number/],
  ] as const) {
    it(`does not send a commit with ${label}, keeps it in Jira, and warns naming it`, () => {
      const bad: typeof tip = Object.assign({ ...tip, sha: 'd'.repeat(40) }, change);
      const result = desiredDevinfo([withCommits(tip, bad)], 'code');
      assert.deepEqual(
        result.entities.map((e) => e.id),
        [`web/commit/${tip.sha}`],
      );
      assert.ok(result.keep.has(`web/commit/${bad.sha}`));
      assert.ok(
        result.warnings.some((w) => w.startsWith(`web/commit/${bad.sha}: `) && warning.test(w)),
        result.warnings.join('\n'),
      );
    });
  }

  it('does not send a branch whose URL or tip Jira would refuse, and keeps it', () => {
    const result = desiredDevinfo(
      [
        {
          ...repo('PROJ-1-a', 'PROJ-1-b'),
          branches: [
            { ...branch('PROJ-1-a'), url: 'not a url' },
            { ...branch('PROJ-1-b'), lastCommit: { ...tip, filesChanged: -3 } },
          ],
        },
      ],
      'code',
    );
    assert.deepEqual(result.entities, []);
    assert.deepEqual([...result.keep].sort(), ['web/branch/PROJ-1-a', 'web/branch/PROJ-1-b']);
    assert.match(result.warnings.join('\n'), /PROJ-1-a: branch URL "not a url" is no absolute URL/);
  });

  it('sends nothing of a repository whose URL is no absolute URL (a scp-style remote), keeping what Jira has', () => {
    const result = desiredDevinfo([{ ...repo('PROJ-1-a'), url: 'git@git.example:acme/web.git' }], 'code');
    assert.deepEqual(result.entities, []);
    assert.ok(result.keep.has('web/branch/PROJ-1-a'));
    assert.match(result.warnings[0] ?? '', /^repository web: URL "git@git\.example:acme\/web\.git" is no absolute URL/);
  });

  it('sends nothing of a repository whose URL passes 2000 characters, keeping what Jira has', () => {
    const result = desiredDevinfo([{ ...repo('PROJ-1-a'), url: `https://git.example/${'x'.repeat(2000)}` }], 'code');
    assert.deepEqual(result.entities, []);
    assert.ok(result.keep.has('web/branch/PROJ-1-a'));
    assert.match(result.warnings[0] ?? '', /^repository web: URL longer than 2000/);
  });
});
