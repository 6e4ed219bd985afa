import { strict as assert } from 'node:assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { JiraFeatureFlag } from '../../../src/jira/payloads';
import { startSimulator, type Simulator } from '../../../src/simulator';
import { runOnceJson, type RunOnceResult } from '../../../test/helpers/cli';
import { freePort, startUnleash, type UnleashServer } from './harness';
import { UnleashSeeder } from './seed';

interface ProviderSummary {
  name: string;
  ok: boolean;
  error?: string;
  flags: number;
  unlinked: number;
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
}
type RunResult = RunOnceResult<{ ok: boolean; providers: ProviderSummary[] }>;

const counts = (p: ProviderSummary) => ({
  ok: p.ok,
  flags: p.flags,
  unlinked: p.unlinked,
  created: p.created,
  updated: p.updated,
  deleted: p.deleted,
  unchanged: p.unchanged,
});

/** The flow: `flagsync run --once` from a real Unleash into the Jira simulator, then changes, then an outage. */
describe('Unleash end to end: flagsync run --once into the Jira simulator', function () {
  this.timeout(60_000);
  let server: UnleashServer;
  let sim: Simulator;
  let dir: string;
  let seed: UnleashSeeder;
  let checkoutStrategy: string;
  const flag = (key: string) => sim.storedFlag(`unleash:${key}`) as JiraFeatureFlag | undefined;
  const detail = (key: string, env: string) => flag(key)!.details.find((d) => d.environment.name === env)!;
  const bulkRequests = () =>
    sim.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/jira/featureflags/') && r.path.endsWith('/bulk'));
  const deleteRequests = () => sim.requests.filter((r) => r.method === 'DELETE' && r.path.startsWith('/jira/featureflags/'));
  const sentIds = () =>
    bulkRequests()
      .flatMap((r) => (r.body as { flags: { id: string }[] }).flags.map((f) => f.id))
      .sort();

  function configText(apiUrl: string, uiUrl: string): string {
    return [
      `jira: { cloudId: ${sim.cloudId}, clientId: ${sim.clientId}, clientSecret: ${sim.clientSecret}, tokenUrl: ${sim.url}/oauth/token, apiBaseUrl: ${sim.url} }`,
      `state: { path: ${path.join(dir, 'state.json')} }`,
      // Archiving 1 of 3 linked flags is a third of them: above the default mass-delete guard of 20%.
      'sync: { massDeleteThreshold: 0.5 }',
      'providers:',
      '  - name: unleash',
      '    adapter: unleash',
      `    url: ${apiUrl}`,
      '    adminToken: ${env:UNLEASH_ADMIN_TOKEN}',
      '    project: default',
      `    uiUrl: ${uiUrl}`,
      '    environments:',
      '      - name: production',
      '        type: production',
      '      - name: development',
      '        type: development',
      '',
    ].join('\n');
  }

  const run = (file: string) => runOnceJson<RunResult['summary']>(file, { UNLEASH_ADMIN_TOKEN: server.adminToken });

  before(async function () {
    this.timeout(180_000);
    server = await startUnleash();
    sim = await startSimulator({});
    dir = await mkdtemp(path.join(os.tmpdir(), 'unleash-e2e-'));
    await writeFile(path.join(dir, 'flagsync.yaml'), configText(server.apiUrl, server.uiUrl));
    seed = new UnleashSeeder(server);
    await seed.createTagType('jira');
    await seed.createFlag('PROJ-7-checkout', { description: 'New checkout' });
    checkoutStrategy = await seed.addStrategy('PROJ-7-checkout', 'production', {
      name: 'flexibleRollout',
      parameters: { rollout: '30', stickiness: 'userId', groupId: 'PROJ-7-checkout' },
    });
    await seed.setEnabled('PROJ-7-checkout', 'production', true);
    await seed.createFlag('search-v2', { description: 'Search rewrite' });
    await seed.tag('search-v2', 'jira', 'WEB-12');
    await seed.addStrategy('search-v2', 'production', {
      name: 'default',
      constraints: [{ contextName: 'appName', operator: 'IN', values: ['web'] }],
    });
    await seed.setEnabled('search-v2', 'production', true);
    await seed.setEnabled('search-v2', 'development', true);
    await seed.createFlag('banner', { description: 'Maintenance banner for OPS-3' });
    await seed.addStrategy('banner', 'production', {
      name: 'flexibleRollout',
      parameters: { rollout: '10', stickiness: 'default', groupId: 'banner' },
    });
    await seed.setEnabled('banner', 'production', true);
    await seed.createFlag('no-issue-anywhere', { description: 'Nothing to link' });
  });

  after(async function () {
    this.timeout(30_000);
    await sim?.close();
    await server?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  describe('first run', function () {
    let result: RunResult;
    before(async function () {
      result = await run(path.join(dir, 'flagsync.yaml'));
    });

    it('exits 0 and reports 4 flags read, 1 unlinked, 3 created', function () {
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(result.summary.providers.map(counts), [
        { ok: true, flags: 4, unlinked: 1, created: 3, updated: 0, deleted: 0, unchanged: 0 },
      ]);
    });

    it('stores PROJ-7-checkout linked to PROJ-7, enabled at 30% in production and off in development', function () {
      const stored = flag('PROJ-7-checkout')!;
      assert.equal(stored.key, 'PROJ-7-checkout');
      assert.deepEqual(stored.associations[0]!.values, ['PROJ-7']);
      const production = detail('PROJ-7-checkout', 'production');
      assert.deepEqual(
        [production.environment, production.status.enabled, production.status.rollout],
        [{ name: 'production', type: 'production' }, true, { percentage: 30 }],
      );
      assert.equal(production.url, `${server.uiUrl}/projects/default/features/PROJ-7-checkout`);
      const development = detail('PROJ-7-checkout', 'development');
      assert.deepEqual([development.environment, development.status.enabled], [{ name: 'development', type: 'development' }, false]);
    });

    it('links search-v2 through its jira tag and describes its constrained strategy', function () {
      assert.deepEqual(flag('search-v2')!.associations[0]!.values, ['WEB-12']);
      // Jira's rollout holds one of percentage, rules or text; the core sends the text when the adapter gives both.
      assert.deepEqual(detail('search-v2', 'production').status.rollout, { text: 'everyone; 1 constraint' });
      assert.deepEqual(detail('search-v2', 'development').status.rollout, { percentage: 100 });
    });

    it('links banner through its description at 10% in production', function () {
      assert.deepEqual(flag('banner')!.associations[0]!.values, ['OPS-3']);
      assert.deepEqual(detail('banner', 'production').status.rollout, { percentage: 10 });
    });

    it('sends nothing for the flag without an issue key', function () {
      assert.equal(flag('no-issue-anywhere'), undefined);
    });
  });

  describe('after a rollout change, a disabled environment and an archived flag', function () {
    let result: RunResult;
    before(async function () {
      await seed.updateStrategy('PROJ-7-checkout', 'production', checkoutStrategy, {
        name: 'flexibleRollout',
        parameters: { rollout: '60', stickiness: 'userId', groupId: 'PROJ-7-checkout' },
      });
      await seed.setEnabled('search-v2', 'production', false);
      await seed.archive('banner');
      sim.clearRequests();
      result = await run(path.join(dir, 'flagsync.yaml'));
    });

    it('exits 0 and reports 2 updated, 1 deleted', function () {
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(result.summary.providers.map(counts), [
        { ok: true, flags: 3, unlinked: 1, created: 0, updated: 2, deleted: 1, unchanged: 0 },
      ]);
    });

    it('sends exactly the two changed flags', function () {
      assert.deepEqual(sentIds(), ['unleash:PROJ-7-checkout', 'unleash:search-v2']);
    });

    it('deletes exactly the archived flag', function () {
      assert.deepEqual(
        deleteRequests().map((r) => decodeURIComponent(r.path.split('/').pop()!)),
        ['unleash:banner'],
      );
      assert.equal(flag('banner'), undefined);
    });

    it('stores the new rollout and the disabled environment', function () {
      assert.deepEqual(detail('PROJ-7-checkout', 'production').status.rollout, { percentage: 60 });
      assert.equal(detail('search-v2', 'production').status.enabled, false);
      assert.deepEqual(detail('search-v2', 'development').status.rollout, { percentage: 100 });
    });
  });

  describe('a run without changes', function () {
    it('sends nothing', async function () {
      sim.clearRequests();
      const result = await run(path.join(dir, 'flagsync.yaml'));
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual([bulkRequests().length, deleteRequests().length, result.summary.providers[0]!.unchanged], [0, 0, 2]);
    });
  });

  describe('Unleash down', function () {
    let result: RunResult;
    let storedBefore: number;
    before(async function () {
      const file = path.join(dir, 'down.yaml');
      await writeFile(file, configText(`http://127.0.0.1:${await freePort()}/api`, server.uiUrl));
      storedBefore = sim.stored('featureflags').length;
      sim.clearRequests();
      result = await run(file);
    });

    it('exits 1 with an error naming the provider and the unreachable URL', function () {
      assert.equal(result.code, 1);
      const provider = result.summary.providers[0]!;
      assert.equal(provider.ok, false);
      assert.equal(provider.name, 'unleash');
      assert.match(provider.error ?? '', /cannot reach Unleash at http:\/\/127\.0\.0\.1:\d+\/api\/admin\/environments: ECONNREFUSED/);
      assert.ok(!(provider.error ?? '').includes(server.adminToken.split('.')[1]!));
    });

    it('deletes nothing in Jira', function () {
      assert.equal(deleteRequests().length, 0);
      assert.equal(sim.stored('featureflags').length, storedBefore);
    });
  });
});
