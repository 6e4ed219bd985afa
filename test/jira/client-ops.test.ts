import assert from 'node:assert/strict';
import { buildId, buildsKind, createJiraClient, featureFlagsKind, JiraAuthError, JiraRequestError } from '../../src/jira';
import { siteBaseUrl } from '../../src/jira/cloud-id';
import { flag } from './entities';
import { CLOUD_ID, fastDeps, startFakeJira, type FakeJira } from './fake-jira';

describe('jira client: cloud id, delete and get', () => {
  let fake: FakeJira | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('looks the cloud id up once via tenant_info and caches it', async () => {
    fake = await startFakeJira({ tenant: () => ({ status: 200, body: { cloudId: 'looked-up', cloudName: 'acme' } }) });
    const client = createJiraClient(fake.settings({ cloudId: undefined, site: fake.url }), fastDeps().deps);
    await client.submit(featureFlagsKind, [flag('a')]);
    await client.submit(featureFlagsKind, [flag('b')]);
    assert.equal(fake.requests.filter((r) => r.path === '/_edge/tenant_info').length, 1);
    assert.deepEqual(
      fake.apiRequests().map((r) => r.path),
      Array(2).fill('/jira/featureflags/0.1/cloud/looked-up/bulk'),
    );
  });

  it('reads a bare site host as https://host', () => {
    assert.equal(siteBaseUrl('acme.atlassian.net'), 'https://acme.atlassian.net');
  });

  it('keeps a full site base URL, without its trailing slash', () => {
    assert.equal(siteBaseUrl('http://127.0.0.1:8080/'), 'http://127.0.0.1:8080');
  });

  it('fails with JiraAuthError when tenant_info has no cloudId', async () => {
    fake = await startFakeJira({ tenant: () => ({ status: 200, body: { nope: true } }) });
    const client = createJiraClient(fake.settings({ cloudId: undefined, site: fake.url }), fastDeps().deps);
    await assert.rejects(
      client.submit(featureFlagsKind, [flag('a')]),
      (e: unknown) => e instanceof JiraAuthError && /tenant_info/.test(e.message),
    );
  });

  it('deletes by id on the encoded entity path', async () => {
    fake = await startFakeJira({ api: () => ({ status: 202 }) });
    const id = buildId('My Pipe', 4);
    const outcomes = await createJiraClient(fake.settings(), fastDeps().deps).deleteById(buildsKind, [id]);
    assert.deepEqual(outcomes, [{ id, ok: true }]);
    assert.equal(fake.apiRequests()[0]?.method, 'DELETE');
    assert.equal(fake.apiRequests()[0]?.path, `/jira/builds/0.1/cloud/${CLOUD_ID}/pipelines/My%20Pipe/builds/4`);
  });

  it('reports a delete Jira refused without losing the others', async () => {
    fake = await startFakeJira({
      api: (req) => (req.path.endsWith('/bad') ? { status: 400, body: [{ message: 'nope' }] } : { status: 202 }),
    });
    const outcomes = await createJiraClient(fake.settings(), fastDeps().deps).deleteById(featureFlagsKind, ['good', 'bad']);
    assert.deepEqual(
      outcomes.map((o) => o.ok),
      [true, false],
    );
    const refused = outcomes[1];
    assert.ok(refused !== undefined && !refused.ok);
    assert.match(refused.error, /HTTP 400: nope/);
    assert.deepEqual([refused.reason, refused.httpStatus, refused.retryable], ['refused', 400, false], 'the cause as data');
  });

  it('deletes by properties with the properties in the query', async () => {
    fake = await startFakeJira({ api: () => ({ status: 202 }) });
    await createJiraClient(fake.settings(), fastDeps().deps).deleteByProperties(featureFlagsKind, { source: 'flagsync', env: 'x y' });
    const request = fake.apiRequests()[0];
    assert.equal(request?.path, `/jira/featureflags/0.1/cloud/${CLOUD_ID}/bulkByProperties`);
    assert.deepEqual(Object.fromEntries(request?.query ?? []), { source: 'flagsync', env: 'x y' });
  });

  it('refuses deleteByProperties without properties', async () => {
    fake = await startFakeJira();
    await assert.rejects(
      createJiraClient(fake.settings(), fastDeps().deps).deleteByProperties(featureFlagsKind, {}),
      /at least one property/,
    );
  });

  it('get returns the stored entity', async () => {
    fake = await startFakeJira({ api: () => ({ status: 200, body: { id: 'a', key: 'a' } }) });
    assert.deepEqual(await createJiraClient(fake.settings(), fastDeps().deps).get(featureFlagsKind, 'a'), { id: 'a', key: 'a' });
  });

  it('get returns undefined on 404', async () => {
    fake = await startFakeJira({ api: () => ({ status: 404 }) });
    assert.equal(await createJiraClient(fake.settings(), fastDeps().deps).get(featureFlagsKind, 'a'), undefined);
  });

  it('get throws a JiraRequestError naming the permission on 403', async () => {
    fake = await startFakeJira({ api: () => ({ status: 403 }) });
    await assert.rejects(
      createJiraClient(fake.settings(), fastDeps().deps).get(buildsKind, buildId('p', 1)),
      (e: unknown) => e instanceof JiraRequestError && e.status === 403 && /"Builds" permission/.test(e.message),
    );
  });
});
