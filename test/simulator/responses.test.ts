/**
 * The simulator's answers must keep Jira's documented shapes: every body is checked against the response schemas
 * derived from Atlassian's spec (schemas/jira/*.response-*.schema.json, error-messages.*.schema.json).
 */
import { strict as assert } from 'node:assert';
import { createAjv, loadSchema } from '../../src/simulator/validate';
import { build, commit, deployment, flag, repository, type Harness, useHarness } from './helpers';

/**
 * The spec's response schemas leave objects open, so a misspelt field (`acceptedFlags`) would pass; closing every
 * object that lists its properties makes the check catch drift in names, not just in types.
 */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    // `properties` maps names to schemas: recurse into the schemas, never treat the map itself as a schema.
    out[key] = key === 'properties' ? Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, closed(v)])) : closed(value);
  }
  if ('properties' in out && !('additionalProperties' in out)) out['additionalProperties'] = false;
  return out;
}

const ajv = createAjv();
function assertMatches(file: string, body: unknown): void {
  const validate = ajv.compile(closed(loadSchema(file)) as object);
  assert.ok(validate(body), `${file}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`);
}

const unknownAndKnown = [{ associationType: 'issueIdOrKeys', values: ['PROJ-1', 'NOPE-1'] }];
const onlyUnknown = [{ associationType: 'issueKeys', values: ['NOPE-2'] }];

describe("simulator: answers match Jira's response schemas", () => {
  let h: Harness;
  let headers: { Authorization: string };
  useHarness((harness, auth) => {
    h = harness;
    headers = auth;
  });

  const post = (kind: 'featureflags' | 'builds' | 'deployments' | 'devinfo', body: unknown) =>
    h.http.post(`${h.base(kind)}/bulk`, body, { headers });

  it('feature flags 202 with accepted, failed and unknown keys', async () => {
    const response = await post('featureflags', {
      flags: [flag('a', { associations: unknownAndKnown }), flag('b', { associations: onlyUnknown })],
    });
    assert.equal(response.status, 202);
    assert.equal(Object.keys(response.data.failedFeatureFlags).length, 1);
    assertMatches('featureflags.submit.response-202.schema.json', response.data);
  });

  it('feature flag GET 200', async () => {
    await post('featureflags', { flags: [flag('a')] });
    assertMatches('featureflags.get.response-200.schema.json', (await h.http.get(`${h.base('featureflags')}/flag/a`, { headers })).data);
  });

  it('builds 202 with accepted, rejected and unknown keys', async () => {
    const response = await post('builds', {
      builds: [build('p', 1, { associations: unknownAndKnown }), build('p', 2, { associations: onlyUnknown })],
    });
    assert.equal(response.data.rejectedBuilds.length, 1);
    assertMatches('builds.submit.response-202.schema.json', response.data);
  });

  it('build GET 200', async () => {
    await post('builds', { builds: [build('p', 1)] });
    assertMatches('builds.get.response-200.schema.json', (await h.http.get(`${h.base('builds')}/pipelines/p/builds/1`, { headers })).data);
  });

  it('deployments 202 with accepted, rejected and unknown keys', async () => {
    const response = await post('deployments', {
      deployments: [deployment(1, { associations: unknownAndKnown }), deployment(2, { associations: onlyUnknown })],
    });
    assert.equal(response.data.rejectedDeployments.length, 1);
    assertMatches('deployments.submit.response-202.schema.json', response.data);
  });

  it('deployment GET 200 and gating status 200', async () => {
    await post('deployments', { deployments: [deployment(1)] });
    const path = `${h.base('deployments')}/pipelines/pipe/environments/prod-eu/deployments/1`;
    assertMatches('deployments.get.response-200.schema.json', (await h.http.get(path, { headers })).data);
    assertMatches('deployments.gating-status.response-200.schema.json', (await h.http.get(`${path}/gating-status`, { headers })).data);
  });

  it('devinfo 202 with accepted, failed and unknown keys', async () => {
    const response = await post('devinfo', {
      repositories: [repository('r', { commits: [commit('c1', ['PROJ-1', 'NOPE-1']), commit('c2', ['NOPE-2'])] })],
    });
    assert.equal(response.data.failedDevinfoEntities.r.commits.length, 1);
    assertMatches('devinfo.store.response-202.schema.json', response.data);
  });

  it('202 bodies listing entities refused for breaking entity-level rules', async () => {
    const flags = await post('featureflags', { flags: [flag('a', { key: 7 }), flag('b')] });
    assert.equal(Object.keys(flags.data.failedFeatureFlags).length, 1);
    assertMatches('featureflags.submit.response-202.schema.json', flags.data);
    const builds = await post('builds', { builds: [build('p', 1, { state: 'green' }), build('p', 2)] });
    assert.equal(builds.data.rejectedBuilds.length, 1);
    assertMatches('builds.submit.response-202.schema.json', builds.data);
    const deployments = await post('deployments', { deployments: [deployment(1, { state: 'done' }), deployment(2)] });
    assert.equal(deployments.data.rejectedDeployments.length, 1);
    assertMatches('deployments.submit.response-202.schema.json', deployments.data);
    const branch = { id: 'feature/x', name: 'feature/x', url: 'https://git.example/b', updateSequenceId: 1, lastCommit: commit('tip') };
    const devinfo = await post('devinfo', { repositories: [repository('org/repo'), repository('ok', { branches: [branch] })] });
    assert.deepEqual(Object.keys(devinfo.data.failedDevinfoEntities).sort(), ['ok', 'org/repo']);
    assertMatches('devinfo.store.response-202.schema.json', devinfo.data);
  });

  it('devinfo repository GET 200 and existsByProperties 200', async () => {
    await post('devinfo', { repositories: [repository('r')], properties: { p: '1' } });
    assertMatches(
      'devinfo.repository.get.response-200.schema.json',
      (await h.http.get(`${h.base('devinfo')}/repository/r`, { headers })).data,
    );
    const exists = await h.http.get(`${h.base('devinfo')}/existsByProperties`, { headers, params: { p: '1' } });
    assertMatches('devinfo.existsByProperties.response-200.schema.json', exists.data);
  });

  it('400 bodies: array for flags, builds, deployments; object for devinfo', async () => {
    for (const kind of ['featureflags', 'builds', 'deployments'] as const) {
      assertMatches('error-messages.array.schema.json', (await post(kind, { nothing: true })).data);
    }
    assertMatches('error-messages.object.schema.json', (await post('devinfo', { nothing: true })).data);
  });
});
