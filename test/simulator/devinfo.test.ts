import { strict as assert } from 'node:assert';
import { commit, repository, type Harness, useHarness } from './helpers';

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

  it('answers 400 with the object error body naming the path', async () => {
    const response = await submit({ repositories: [repository('repo-1', { commits: [commit('abc', ['WEB-1'], { fileCount: -1 })] })] });
    assert.equal(response.status, 400);
    assert.ok(Array.isArray(response.data.errorMessages));
    assert.ok(response.data.errorMessages.some((m: { message: string }) => m.message.startsWith('repositories[0].commits[0].fileCount:')));
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

  it('answers 400 for a non-numeric _updateSequenceId', async () => {
    const response = await h.http.delete(`${h.base('devinfo')}/bulkByProperties`, { headers, params: { a: '1', _updateSequenceId: 'x' } });
    assert.equal(response.status, 400);
  });
});
