import { strict as assert } from 'node:assert';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSimulator, type Simulator } from '../../../src/simulator';
import type { JiraFeatureFlag } from '../../../src/jira/payloads';
import { runOnceJson } from '../../../test/helpers/cli';

/** `flagsync run --once` as a child process against the Jira simulator, with the demo files and the documented config. */
const REPO_ROOT = path.resolve(__dirname, '../../..');

type Summary = {
  ok: boolean;
  providers: { name: string; ok: boolean; error?: string; flags: number; unlinked: number; created: number; deleted: number }[];
};
const runOnce = (configFile: string) => runOnceJson<Summary>(configFile);

describe('flagd end to end: run --once into the Jira simulator', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let dir: string;
  let configFile: string;

  before(async () => {
    sim = await startSimulator({});
    dir = await mkdtemp(path.join(os.tmpdir(), 'flagd-e2e-'));
    // The documented config, as written: sources relative to the config file's folder.
    await cp(path.join(REPO_ROOT, 'config/demo'), path.join(dir, 'config/demo'), { recursive: true });
    configFile = path.join(dir, 'flagsync.yaml');
    await writeFile(
      configFile,
      [
        `jira: { cloudId: ${sim.cloudId}, clientId: ${sim.clientId}, clientSecret: ${sim.clientSecret}, tokenUrl: ${sim.url}/oauth/token, apiBaseUrl: ${sim.url} }`,
        `state: { path: ${path.join(dir, 'state.json')} }`,
        'providers:',
        '  - name: demo',
        '    adapter: flagd',
        "    urlTemplate: 'https://git.example/flags/blob/main/{environment}.flagd.json#{key}'",
        '    environments:',
        '      - name: production',
        '        type: production',
        '        source: ./config/demo/production.flagd.json',
        '      - name: staging',
        '        type: staging',
        '        source: ./config/demo/staging.flagd.json',
        '',
      ].join('\n'),
    );
  });
  after(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('syncs the demo flags: 8 read, 1 unlinked, 7 created, PROJ-1-alpha at 25% in production', async () => {
    const { code, summary } = await runOnce(configFile);
    assert.equal(code, 0);
    assert.deepEqual(
      summary.providers.map((p) => [p.name, p.ok, p.flags, p.unlinked, p.created, p.deleted]),
      [['demo', true, 8, 1, 7, 0]],
    );
    const stored = sim.storedFlag('demo:PROJ-1-alpha') as JiraFeatureFlag;
    assert.deepEqual(stored.associations[0]!.values, ['PROJ-1']);
    const production = stored.details.find((d) => d.environment.name === 'production')!;
    assert.deepEqual(
      [production.environment.type, production.status.enabled, production.status.rollout],
      ['production', true, { percentage: 25 }],
    );
  });

  // Runs after the first test: Jira then holds the 7 linked demo flags, which a failed read must not delete.
  it('fails the provider and deletes nothing when a file turns invalid', async () => {
    await writeFile(
      path.join(dir, 'config/demo/staging.flagd.json'),
      '{"flags": {"x": {"state": "ON", "variants": {"on": true}, "defaultVariant": "on"}}}',
    );
    const { code, summary } = await runOnce(configFile);
    assert.equal(code, 1);
    assert.equal(summary.providers[0]!.ok, false);
    assert.match(summary.providers[0]!.error ?? '', /staging\.flagd\.json is not a valid flagd file: flags\.x\.state/);
    assert.equal(sim.stored('featureflags').length, 7);
  });
});
