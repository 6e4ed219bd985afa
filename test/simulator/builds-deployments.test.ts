import { strict as assert } from 'node:assert';
import { build, deployment, type Harness, startHarness, useHarness } from './helpers';

describe('simulator: builds and deployments APIs', () => {
  let h: Harness;
  let headers: { Authorization: string };
  useHarness((harness, auth) => {
    h = harness;
    headers = auth;
  });

  describe('builds', () => {
    const submit = (builds: unknown[], properties?: Record<string, string>) =>
      h.http.post(`${h.base('builds')}/bulk`, { builds, ...(properties ? { properties } : {}) }, { headers });
    const buildPath = (pipelineId: string, n: number | string) =>
      `${h.base('builds')}/pipelines/${encodeURIComponent(pipelineId)}/builds/${n}`;

    it('stores a build and returns it by pipeline id (with spaces) and build number', async () => {
      const sent = build('Test Pipeline Build', 36);
      const response = await submit([sent]);
      assert.equal(response.status, 202);
      assert.deepEqual(response.data.acceptedBuilds, [{ pipelineId: 'Test Pipeline Build', buildNumber: 36 }]);
      const got = await h.http.get(buildPath('Test Pipeline Build', 36), { headers });
      assert.equal(got.status, 200);
      assert.deepEqual(got.data, sent);
    });

    it('answers 400 for a pipeline id in the path over 255 characters', async () => {
      const response = await h.http.get(buildPath('p'.repeat(256), 1), { headers, validateStatus: () => true });
      assert.equal(response.status, 400);
      assert.match(JSON.stringify(response.data), /pipelineId: must NOT have more than 255 characters/);
      const deployment = await h.http.delete(`${h.base('deployments')}/pipelines/pipe/environments/${'e'.repeat(256)}/deployments/1`, {
        headers,
        validateStatus: () => true,
      });
      assert.equal(deployment.status, 400);
      assert.match(JSON.stringify(deployment.data), /environmentId: must NOT have more than 255 characters/);
    });

    it("rejects a build whose issue keys are all unknown with Jira's observed message", async () => {
      // The observed answer (Jenkins plugin fixture) is to the deprecated issueKeys field.
      const { associations: _, ...bare } = build('p', 1);
      const response = await submit([{ ...bare, issueKeys: ['TEST-110'] }]);
      assert.deepEqual(response.data.rejectedBuilds, [
        { key: { pipelineId: 'p', buildNumber: 1 }, errors: [{ message: 'No valid issues found for build' }] },
      ]);
      assert.deepEqual(response.data.unknownIssueKeys, ['TEST-110']);
      assert.deepEqual(h.sim.stored('builds'), []);
    });

    it('lists unknown keys sent as associations in unknownAssociations only', async () => {
      const response = await submit([
        build('p', 1, { associations: [{ associationType: 'issueIdOrKeys', values: ['TEST-110', 'PROJ-1'] }] }),
      ]);
      assert.deepEqual(response.data.acceptedBuilds, [{ pipelineId: 'p', buildNumber: 1 }]);
      assert.deepEqual(response.data.unknownIssueKeys, []);
      assert.deepEqual(response.data.unknownAssociations, [{ associationType: 'issueIdOrKeys', values: ['TEST-110'] }]);
    });

    it('rejects a build with no issue association at all', async () => {
      const { associations: _, ...bare } = build('p', 1);
      const response = await submit([bare]);
      assert.equal(response.data.rejectedBuilds.length, 1);
    });

    it('ignores an equal updateSequenceNumber', async () => {
      await submit([build('p', 1, { updateSequenceNumber: 5, state: 'in_progress' })]);
      const response = await submit([build('p', 1, { updateSequenceNumber: 5, state: 'failed' })]);
      assert.equal(response.data.acceptedBuilds.length, 1);
      assert.equal((h.sim.stored('builds')[0] as { state: string }).state, 'in_progress');
    });

    it('refuses a build with an unknown state in rejectedBuilds, naming the path, and stores the others', async () => {
      const response = await submit([build('p', 1, { state: 'green' }), build('p', 2)]);
      assert.equal(response.status, 202);
      assert.deepEqual(response.data.acceptedBuilds, [{ pipelineId: 'p', buildNumber: 2 }]);
      assert.equal(response.data.rejectedBuilds.length, 1);
      assert.deepEqual(response.data.rejectedBuilds[0].key, { pipelineId: 'p', buildNumber: 1 });
      assert.ok(response.data.rejectedBuilds[0].errors.some((m: { message: string }) => m.message.startsWith('builds[0].state:')));
    });

    it('answers 400 for a build it cannot name (no build number)', async () => {
      const { buildNumber: _, ...unnamed } = build('p', 1);
      assert.equal((await submit([unnamed, build('p', 2)])).status, 400);
      assert.deepEqual(h.sim.stored('builds'), []);
    });

    it('accepts a build URL on a host without dots or a private address', async () => {
      const response = await submit([
        build('p', 1, { url: 'http://jenkins:8080/job/x/1/' }),
        build('p', 2, { url: 'https://192.168.4.20/b/2' }),
      ]);
      assert.equal(response.data.acceptedBuilds.length, 2);
    });

    it('answers 400 for two builds with the same key', async () => {
      assert.equal((await submit([build('p', 1), build('p', 1)])).status, 400);
    });

    it('deletes a build by key with 202', async () => {
      await submit([build('p', 1), build('p', 2)]);
      assert.equal((await h.http.delete(buildPath('p', 1), { headers })).status, 202);
      assert.deepEqual(
        h.sim.stored('builds').map((b) => (b as { buildNumber: number }).buildNumber),
        [2],
      );
    });

    it('answers 400 for a build number that is not an integer', async () => {
      assert.equal((await h.http.get(buildPath('p', 'latest'), { headers })).status, 400);
    });

    it('deletes builds by properties', async () => {
      await submit([build('p', 1)], { source: 'a' });
      await submit([build('p', 2)], { source: 'b' });
      await h.http.delete(`${h.base('builds')}/bulkByProperties`, { headers, params: { source: 'a' } });
      assert.deepEqual(
        h.sim.stored('builds').map((b) => (b as { buildNumber: number }).buildNumber),
        [2],
      );
    });
  });

  describe('deployments', () => {
    const submit = (deployments: unknown[]) => h.http.post(`${h.base('deployments')}/bulk`, { deployments }, { headers });
    const deploymentPath = (n: number) => `${h.base('deployments')}/pipelines/pipe/environments/prod-eu/deployments/${n}`;

    it('stores a deployment and returns it by pipeline, environment and sequence number', async () => {
      const sent = deployment(7);
      const response = await submit([sent]);
      assert.deepEqual(response.data.acceptedDeployments, [{ pipelineId: 'pipe', environmentId: 'prod-eu', deploymentSequenceNumber: 7 }]);
      const got = await h.http.get(deploymentPath(7), { headers });
      assert.deepEqual(got.data, sent);
    });

    it('rejects a deployment linked only through services the site does not know, listing them as unknown', async () => {
      const response = await submit([deployment(7, { associations: [{ associationType: 'serviceIdOrKeys', values: ['svc-1'] }] })]);
      assert.deepEqual(response.data.acceptedDeployments, []);
      assert.equal(response.data.rejectedDeployments[0].errors[0].message, 'No valid issues or services found for deployment');
      assert.deepEqual(response.data.unknownAssociations, [{ associationType: 'serviceIdOrKeys', values: ['svc-1'] }]);
    });

    it('keeps a deployment with a known issue beside an unknown service, naming the service', async () => {
      const response = await submit([
        deployment(7, {
          associations: [
            { associationType: 'issueIdOrKeys', values: ['PROJ-1'] },
            { associationType: 'serviceIdOrKeys', values: ['svc-typo'] },
          ],
        }),
      ]);
      assert.equal(response.data.acceptedDeployments.length, 1);
      assert.deepEqual(response.data.unknownAssociations, [{ associationType: 'serviceIdOrKeys', values: ['svc-typo'] }]);
    });

    it('rejects a deployment whose issue keys are all unknown', async () => {
      const response = await submit([deployment(7, { associations: [{ associationType: 'issueKeys', values: ['NOPE-1'] }] })]);
      assert.equal(response.data.rejectedDeployments[0].errors[0].message, 'No valid issues found for deployment');
    });

    it('refuses a deployment with an unknown environment type in rejectedDeployments, naming the path', async () => {
      const response = await submit([deployment(7, { environment: { id: 'e', displayName: 'E', type: 'prod' } }), deployment(8)]);
      assert.equal(response.status, 202);
      assert.equal(response.data.acceptedDeployments.length, 1);
      assert.ok(
        response.data.rejectedDeployments[0].errors.some((m: { message: string }) =>
          m.message.startsWith('deployments[0].environment.type:'),
        ),
      );
    });

    it('refuses a deployment whose association values of all types sum to more than 500', async () => {
      const keys = Array.from({ length: 500 }, (_, i) => `OPS-${i + 1}`);
      const associations = [
        { associationType: 'issueIdOrKeys', values: keys },
        { associationType: 'serviceIdOrKeys', values: ['svc-a', 'svc-b'] },
      ];
      const response = await submit([deployment(7, { associations }), deployment(8)]);
      assert.equal(response.status, 202);
      assert.equal(response.data.acceptedDeployments.length, 1);
      assert.match(response.data.rejectedDeployments[0].errors[0].message, /maximum of 500 elements\. Found 502/);
    });

    it('replaces the whole deployment for a greater updateSequenceNumber', async () => {
      await submit([deployment(7, { updateSequenceNumber: 1, state: 'in_progress', label: 'v1' })]);
      await submit([deployment(7, { updateSequenceNumber: 2, state: 'successful' })]);
      const got = (await h.http.get(deploymentPath(7), { headers })).data;
      assert.equal(got.state, 'successful');
      assert.equal('label' in got, false);
    });

    it('answers the gating status of a stored deployment', async () => {
      await submit([deployment(7)]);
      const got = await h.http.get(`${deploymentPath(7)}/gating-status`, { headers });
      assert.equal(got.status, 200);
      assert.equal(got.data.gatingStatus, 'allowed');
      assert.deepEqual(
        got.data.details.map((d: { issueKey: string }) => d.issueKey),
        ['OPS-3'],
      );
    });

    it('deletes a deployment by key', async () => {
      await submit([deployment(7)]);
      assert.equal((await h.http.delete(deploymentPath(7), { headers })).status, 202);
      assert.equal((await h.http.get(deploymentPath(7), { headers })).status, 404);
    });
  });
});

describe('simulator: a site that knows some services (--services)', () => {
  let h: Harness;
  let headers: { Authorization: string };
  before(async () => {
    h = await startHarness({ services: ['svc-1'] });
    headers = await h.auth();
  });
  after(() => h.sim.close());

  it('accepts a deployment linked only through a known service; an unknown one beside it is listed', async () => {
    const response = await h.http.post(
      `${h.base('deployments')}/bulk`,
      { deployments: [deployment(7, { associations: [{ associationType: 'serviceIdOrKeys', values: ['svc-1', 'svc-2'] }] })] },
      { headers },
    );
    assert.equal(response.data.acceptedDeployments.length, 1);
    assert.deepEqual(response.data.unknownAssociations, [{ associationType: 'serviceIdOrKeys', values: ['svc-2'] }]);
  });
});
