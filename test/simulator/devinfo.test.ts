import { strict as assert } from 'node:assert';
import { commit, repository, startHarness, type Harness, useHarness } from './helpers';

describe('simulator: devinfo API', () => {
  let h: Harness;
  let headers: { Authorization: string };
  useHarness((harness, auth) => {
    h = harness;
    headers = auth;
  });

  const submit = (body: unknown) => h.http.post(`${h.base('devinfo')}/bulk`, body, { headers });
  const repoPath = (id: string) => `${h.base('devinfo')}/repository/${encodeURIComponent(id)}`;

  it('stores a repository with its commits and returns it from GET', async () => {
    const response = await submit({ repositories: [repository('repo-1')] });
    assert.equal(response.status, 202);
    assert.deepEqual(response.data.acceptedDevinfoEntities, { 'repo-1': { commits: ['abc1234'], branches: [], pullRequests: [] } });
    const got = await h.http.get(repoPath('repo-1'), { headers });
    assert.equal(got.status, 200);
    assert.equal(got.data.name, 'repo repo-1');
    assert.deepEqual(got.data.commits, [commit('abc1234')]);
  });

  const failedMessages = (list: { id: string; errorMessages: { message: string }[] }[] | undefined, id: string) =>
    (list ?? []).find((e) => e.id === id)?.errorMessages.map((m) => m.message) ?? [];

  it('lists a commit breaking a schema rule as failed in a 202, naming the path, and stores the rest', async () => {
    const response = await submit({
      repositories: [repository('repo-1', { commits: [commit('abc', ['WEB-1'], { fileCount: -1 }), commit('def')] })],
    });
    assert.equal(response.status, 202);
    assert.deepEqual(response.data.acceptedDevinfoEntities['repo-1'].commits, ['def']);
    const messages = failedMessages(response.data.failedDevinfoEntities['repo-1'].commits, 'abc');
    assert.ok(
      messages.some((m) => m.startsWith('repositories[0].commits[0].fileCount:')),
      messages.join('\n'),
    );
  });

  for (const [label, broken] of [
    ['an association without values', { associations: [{ associationType: 'issueKeys' }] }],
    ['associations that are no array', { associations: {} }],
  ] as const) {
    it(`lists a commit with ${label} as failed in a 202 (not a 500) and stores the rest`, async () => {
      const response = await submit({
        repositories: [repository('repo-1', { commits: [commit('abc', ['WEB-1'], broken), commit('def')] })],
      });
      assert.equal(response.status, 202);
      assert.deepEqual(response.data.acceptedDevinfoEntities['repo-1'].commits, ['def']);
      assert.ok(failedMessages(response.data.failedDevinfoEntities['repo-1'].commits, 'abc').length > 0);
    });
  }

  for (const time of ['yesterday', '2026-13-45T00:00:00Z', '2026-01-02 03:04:05']) {
    it(`lists a commit whose authorTimestamp is "${time}" (no ISO 8601 date-time) as failed and stores the rest`, async () => {
      const response = await submit({
        repositories: [repository('r', { commits: [commit('abc', ['WEB-1'], { authorTimestamp: time }), commit('def')] })],
      });
      assert.equal(response.status, 202);
      assert.deepEqual(response.data.acceptedDevinfoEntities['r'].commits, ['def']);
      assert.match(
        failedMessages(response.data.failedDevinfoEntities['r'].commits, 'abc')[0] ?? '',
        /commits\[0\]\.authorTimestamp: .* is not an ISO 8601 date-time/,
      );
    });
  }

  it('accepts an authorTimestamp with an offset or fractional seconds', async () => {
    const response = await submit({
      repositories: [
        repository('r', {
          commits: [
            commit('a', ['WEB-1'], { authorTimestamp: '2026-01-02T05:04:05+02:00' }),
            commit('b', ['WEB-1'], { authorTimestamp: '2026-01-02T03:04:05.123Z' }),
          ],
        }),
      ],
    });
    assert.deepEqual(response.data.acceptedDevinfoEntities['r'].commits, ['a', 'b']);
  });

  it('cuts a commit message over 1024 characters, as Jira does (the spec: longer is truncated), instead of refusing it', async () => {
    const long = 'x'.repeat(2000);
    const branch = {
      id: 'main',
      name: 'main',
      url: 'https://git.example.com/b',
      updateSequenceId: 1,
      lastCommit: commit('tip', ['WEB-4'], { message: long }),
      issueKeys: ['WEB-4'],
    };
    const response = await submit({
      repositories: [repository('r', { commits: [commit('abc', ['WEB-1'], { message: long })], branches: [branch] })],
    });
    assert.equal(response.status, 202);
    assert.deepEqual(response.data.acceptedDevinfoEntities['r'], { commits: ['abc'], branches: ['main'], pullRequests: [] });
    const got = await h.http.get(repoPath('r'), { headers });
    assert.equal(got.data.commits[0].message.length, 1024);
    assert.equal(got.data.branches[0].lastCommit.message.length, 1024);
  });

  it('lists a branch whose lastCommit is null as failed in a 202 (not a 500) and stores the rest', async () => {
    const branch = (id: string, lastCommit: unknown) => ({
      id,
      name: id,
      url: 'https://git.example.com/b',
      updateSequenceId: 1,
      lastCommit,
      issueKeys: ['WEB-4'],
    });
    const response = await submit({
      repositories: [repository('r', { commits: [], branches: [branch('bad', null), branch('main', commit('tip'))] })],
    });
    assert.equal(response.status, 202);
    assert.deepEqual(response.data.acceptedDevinfoEntities['r'].branches, ['main']);
    assert.match(failedMessages(response.data.failedDevinfoEntities['r'].branches, 'bad')[0] ?? '', /branches\[0\]\.lastCommit/);
  });

  it('answers 400 with the object error body for an entity it cannot name (no id)', async () => {
    const { id: _, ...unnamed } = commit('abc');
    const response = await submit({ repositories: [repository('repo-1', { commits: [unnamed] })] });
    assert.equal(response.status, 400);
    assert.ok(Array.isArray(response.data.errorMessages));
  });

  describe('id characters (only alphanumerics and ~.-_)', () => {
    for (const id of ['feature%2FPROJ-12-login', 'feature/PROJ-12', 'fix(PROJ-13)', 'é']) {
      it(`lists branch id "${id}" as failed and stores the other branches`, async () => {
        const branch = (branchId: string) => ({
          id: branchId,
          name: branchId,
          url: 'https://git.example.com/b',
          updateSequenceId: 1,
          lastCommit: commit('tip'),
          issueKeys: ['WEB-4'],
        });
        const response = await submit({ repositories: [repository('r', { commits: [], branches: [branch(id), branch('main')] })] });
        assert.equal(response.status, 202);
        assert.deepEqual(response.data.acceptedDevinfoEntities['r'].branches, ['main']);
        assert.match(
          failedMessages(response.data.failedDevinfoEntities['r'].branches, id)[0] ?? '',
          /branches\[0\]\.id: must only contain/,
        );
      });
    }

    it('lists a repository with a bad id under its errorMessages and stores nothing of it', async () => {
      const response = await submit({ repositories: [repository('org/repo'), repository('ok')] });
      assert.equal(response.status, 202);
      assert.deepEqual(Object.keys(response.data.acceptedDevinfoEntities), ['ok']);
      assert.match(response.data.failedDevinfoEntities['org/repo'].errorMessages[0].message, /repositories\[0\]\.id: must only contain/);
      assert.equal((await h.http.get(repoPath('org/repo'), { headers })).status, 404);
    });

    const pullRequest = (id: string, lastUpdate: string) => ({
      id,
      issueKeys: ['WEB-1'],
      updateSequenceId: 1,
      status: 'OPEN',
      title: 'WEB-1 x',
      author: { email: 'a@example.com' },
      commentCount: 0,
      sourceBranch: 'x',
      lastUpdate,
      url: 'https://git.example.com/pr/1',
      displayId: '#1',
    });

    it('lists a pull request whose lastUpdate is no ISO 8601 date-time as failed, and stores the other', async () => {
      const response = await submit({
        repositories: [repository('r', { pullRequests: [pullRequest('1', 'last week'), pullRequest('2', '2024-05-01T10:00:00Z')] })],
      });
      assert.deepEqual(response.data.acceptedDevinfoEntities['r'].pullRequests, ['2']);
      assert.match(failedMessages(response.data.failedDevinfoEntities['r'].pullRequests, '1')[0] ?? '', /pullRequests\[0\]\.lastUpdate/);
    });

    it('lists a pull request with a bad id as failed', async () => {
      const pr = pullRequest('pr/1', '2024-05-01T10:00:00Z');
      const response = await submit({ repositories: [repository('r', { pullRequests: [pr] })] });
      assert.equal(failedMessages(response.data.failedDevinfoEntities['r'].pullRequests, 'pr/1').length, 1);
    });

    it('lists a commit id over 1024 characters as failed', async () => {
      const long = 'a'.repeat(1025);
      const response = await submit({
        repositories: [repository('r', { commits: [commit(long, ['WEB-4'], { hash: 'a' }), commit('short')] })],
      });
      assert.deepEqual(response.data.acceptedDevinfoEntities['r'].commits, ['short']);
      assert.deepEqual(failedMessages(response.data.failedDevinfoEntities['r'].commits, long), [
        'repositories[0].commits[0].id: must NOT have more than 1024 characters',
      ]);
    });
  });

  describe("the devinfo issueKeys pattern (a letter, then letters, digits or '_', '-', digits)", () => {
    it('lists a commit with an issue key the pattern refuses as failed', async () => {
      const response = await submit({ repositories: [repository('r', { commits: [commit('bad', ['2FA-1']), commit('good')] })] });
      assert.deepEqual(response.data.acceptedDevinfoEntities['r'].commits, ['good']);
      assert.match(
        failedMessages(response.data.failedDevinfoEntities['r'].commits, 'bad')[0] ?? '',
        /issueKeys\[0\]: '2FA-1' is not a valid/,
      );
    });

    it('accepts keys with underscores and non-ASCII letters', async () => {
      const other = await startHarness({ projects: ['MY_PROJ', 'ÄPFEL'] });
      try {
        const response = await other.http.post(
          `${other.base('devinfo')}/bulk`,
          { repositories: [repository('r', { commits: [commit('a', ['MY_PROJ-12']), commit('b', ['ÄPFEL-1'])] })] },
          { headers: await other.auth() },
        );
        assert.deepEqual(response.data.acceptedDevinfoEntities['r'].commits, ['a', 'b']);
      } finally {
        await other.sim.close();
      }
    });
  });

  describe('transitions (smart commits and workflow triggers)', () => {
    it('runs them for a new commit by default, naming its existing issues', async () => {
      await submit({ repositories: [repository('r', { commits: [commit('a1', ['WEB-4', 'NOPE-1'])] })] });
      assert.deepEqual(h.sim.transitions(), [{ repositoryId: 'r', type: 'commits', id: 'a1', issueKeys: ['WEB-4'] }]);
    });

    it('runs none with preventTransitions, in a BACKFILL or not', async () => {
      await submit({ repositories: [repository('r', { commits: [commit('a1')] })], preventTransitions: true, operationType: 'BACKFILL' });
      await submit({ repositories: [repository('q', { commits: [commit('b1')] })], preventTransitions: true });
      assert.deepEqual(h.sim.transitions(), []);
    });

    it('runs none again for a commit it already holds', async () => {
      await submit({ repositories: [repository('r', { commits: [commit('a1')] })], preventTransitions: true });
      await submit({ repositories: [repository('r', { commits: [commit('a1', ['WEB-4'], { updateSequenceId: 2 })] })] });
      assert.deepEqual(h.sim.transitions(), []);
    });

    it('answers 400 for an operationType Jira does not know', async () => {
      assert.equal((await submit({ repositories: [repository('r')], operationType: 'HISTORY' })).status, 400);
    });
  });

  it('accepts repository and commit URLs on hosts without dots and private addresses', async () => {
    const response = await submit({
      repositories: [
        repository('r', { url: 'http://gitlab/group/r', commits: [commit('a', ['WEB-4'], { url: 'https://10.0.0.5/r/commit/a' })] }),
      ],
    });
    assert.deepEqual(response.data.acceptedDevinfoEntities['r'].commits, ['a']);
  });

  it('answers 400 with the object body for malformed JSON', async () => {
    const response = await h.http.post(`${h.base('devinfo')}/bulk`, 'nope', {
      headers: { ...headers, 'Content-Type': 'application/json' },
      transformRequest: [(data: unknown) => data],
    });
    assert.equal(response.status, 400);
    assert.ok(Array.isArray(response.data.errorMessages));
  });

  it('answers 400 for an empty repositories array', async () => {
    assert.equal((await submit({ repositories: [] })).status, 400);
  });

  it('answers 400 for more than 1000 entities in one request', async () => {
    const repositories = [0, 1, 2].map((r) =>
      repository(`repo-${r}`, { commits: Array.from({ length: r === 2 ? 201 : 400 }, (_, i) => commit(`c${r}x${i}`)) }),
    );
    const response = await submit({ repositories });
    assert.equal(response.status, 400);
    assert.ok(response.data.errorMessages.some((m: { message: string }) => m.message.includes('1000')));
  });

  it('answers 400 for more than 400 commits in one repository', async () => {
    const response = await submit({ repositories: [repository('r', { commits: Array.from({ length: 401 }, (_, i) => commit(`c${i}`)) })] });
    assert.equal(response.status, 400);
  });

  it('answers 400 for a property key starting with an underscore', async () => {
    assert.equal((await submit({ repositories: [repository('r')], properties: { _x: '1' } })).status, 400);
  });

  it('reports a commit whose issue keys are all unknown as failed and does not store it', async () => {
    const response = await submit({ repositories: [repository('r', { commits: [commit('good'), commit('bad', ['NOPE-1'])] })] });
    assert.deepEqual(response.data.failedDevinfoEntities, {
      r: { commits: [{ id: 'bad', errorMessages: [{ message: 'No valid issues found for commit' }] }] },
    });
    assert.deepEqual(response.data.unknownIssueKeys, ['NOPE-1']);
    const got = await h.http.get(repoPath('r'), { headers });
    assert.deepEqual(
      got.data.commits.map((c: { id: string }) => c.id),
      ['good'],
    );
  });

  it('deletes one commit with deleteEntity', async () => {
    await submit({ repositories: [repository('r', { commits: [commit('a1'), commit('b2')] })] });
    assert.equal((await h.http.delete(`${repoPath('r')}/commit/a1`, { headers })).status, 202);
    const got = await h.http.get(repoPath('r'), { headers });
    assert.deepEqual(
      got.data.commits.map((c: { id: string }) => c.id),
      ['b2'],
    );
  });

  it('answers 400 for an unknown entity type in deleteEntity', async () => {
    const response = await h.http.delete(`${repoPath('r')}/tag/v1`, { headers });
    assert.equal(response.status, 400);
    assert.ok(Array.isArray(response.data.errorMessages));
  });

  it('deletes a repository', async () => {
    await submit({ repositories: [repository('r')] });
    assert.equal((await h.http.delete(repoPath('r'), { headers })).status, 202);
    assert.equal((await h.http.get(repoPath('r'), { headers })).status, 404);
  });

  it('keeps a repository stored with a greater number than _updateSequenceId on delete', async () => {
    await submit({ repositories: [repository('r', { updateSequenceId: 10 })] });
    await h.http.delete(repoPath('r'), { headers, params: { _updateSequenceId: 9 } });
    assert.equal((await h.http.get(repoPath('r'), { headers })).status, 200);
  });

  it('tells whether data matches properties and deletes by them', async () => {
    await submit({ repositories: [repository('r')], properties: { installationId: '42' } });
    const exists = () => h.http.get(`${h.base('devinfo')}/existsByProperties`, { headers, params: { installationId: '42' } });
    assert.deepEqual((await exists()).data, { hasDataMatchingProperties: true });
    assert.equal((await h.http.delete(`${h.base('devinfo')}/bulkByProperties`, { headers, params: { installationId: '42' } })).status, 202);
    assert.deepEqual((await exists()).data, { hasDataMatchingProperties: false });
    assert.deepEqual(h.sim.stored('devinfo'), []);
  });

  it('answers 400 for bulkByProperties with the same key twice', async () => {
    const response = await h.http.delete(`${h.base('devinfo')}/bulkByProperties?a=1&a=2`, { headers });
    assert.equal(response.status, 400);
  });

  it('ignores _updateSequenceId on bulkByProperties ("no longer supported"): newer data goes too', async () => {
    await submit({ repositories: [repository('r', { updateSequenceId: 10 })], properties: { installationId: '42' } });
    const response = await h.http.delete(`${h.base('devinfo')}/bulkByProperties`, {
      headers,
      params: { installationId: '42', _updateSequenceId: 1 },
    });
    assert.equal(response.status, 202);
    assert.deepEqual(h.sim.stored('devinfo'), []);
  });

  it('answers 400 for a non-numeric _updateSequenceId', async () => {
    const response = await h.http.delete(`${h.base('devinfo')}/bulkByProperties`, { headers, params: { a: '1', _updateSequenceId: 'x' } });
    assert.equal(response.status, 400);
  });
});
