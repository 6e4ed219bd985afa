import { strict as assert } from 'node:assert';
import { rm } from 'node:fs/promises';
import { builtInRegistry } from '../../../src/adapter-host/registry';
import { syncOnce } from '../../../src/cli/commands/sync';
import { loadConfig } from '../../../src/config';
import { silentLogger } from '../../../src/log';
import { startSimulator, type Simulator } from '../../../src/simulator';
import { tempDir } from '../../../test/helpers/flagd-fixtures';
import { writeSyncConfig } from '../../../test/helpers/sync-config';
import { startFakeRelay, type EnvironmentData, type FakeRelay } from './fake-relay';
import production from './fixtures/production.json';
import staging from './fixtures/staging.json';

/**
 * Runs through the core into the Jira simulator, the Relay stand-in serving both environments over loopback: after a
 * run Jira fully accepted, flag versions that did not move mean nothing is mapped or sent; a new version is read
 * and sent; a run Jira did not fully accept is never skipped after.
 */
const PROD_KEY = 'sdk-6b1f0c2d-prod-sync';
const STAGING_KEY = 'sdk-e93a47d0-stg-sync';

describe('LaunchDarkly unchanged source skip, through the core', function () {
  this.timeout(30_000);
  let sim: Simulator;
  let relay: FakeRelay;
  let served: Record<string, EnvironmentData>;
  let dir: string;
  let configFile: string;
  const jiraWrites = () => sim.requests.filter((r) => r.path.includes('/featureflags/') && r.method !== 'GET');

  async function sync() {
    const config = await loadConfig(configFile, builtInRegistry());
    return syncOnce(config, silentLogger, { dryRun: false, allowMassDelete: false });
  }

  /** Every environment lists this flag, as LaunchDarkly does: a flag exists in all of a project's environments. */
  function serve(key: string, flag: Record<string, unknown>): void {
    for (const data of Object.values(served)) data.flags[key] = { ...flag, key };
  }

  beforeEach(async () => {
    served = { [PROD_KEY]: structuredClone(production), [STAGING_KEY]: structuredClone(staging) };
    relay = await startFakeRelay(served);
    sim = await startSimulator({});
    dir = await tempDir('ld-skip-');
    configFile = await writeSyncConfig(dir, sim, [
      {
        name: 'ld',
        adapter: 'launchdarkly',
        baseUri: relay.url,
        initTimeoutSeconds: 2,
        environments: [
          { name: 'production', sdkKey: PROD_KEY },
          { name: 'staging', sdkKey: STAGING_KEY },
        ],
      },
    ]);
  });
  afterEach(async () => {
    await sim.close();
    await relay.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('versions as the accepted run left them: nothing sent, every flag kept, one SDK read per environment', async () => {
    assert.equal((await sync()).results[0]!.created, 1); // the other flags carry no issue key
    relay.requests.length = 0;
    sim.clearRequests();
    const report = await sync();
    assert.deepEqual(
      { ok: report.ok, unchanged: report.results[0]!.unchanged, deleted: report.results[0]!.deleted, jira: jiraWrites().length },
      { ok: true, unchanged: 1, deleted: 0, jira: 0 },
    );
    assert.equal(relay.requests.length, 2);
  });

  it("one flag's new version in production: read and sent", async () => {
    await sync();
    const banner = served[PROD_KEY]!.flags['PROJ-5-banner'] as { version: number };
    served[PROD_KEY]!.flags['PROJ-5-banner'] = { ...banner, on: false, version: banner.version + 1 };
    sim.clearRequests();
    const report = await sync();
    assert.deepEqual([report.results[0]!.updated, jiraWrites().length], [1, 1]);
  });

  it('a run Jira did not fully accept (a rejected flag): the unchanged source is read and sent again', async () => {
    serve('NOPE-7-only', { ...production.flags['PROJ-5-banner'] });
    const first = await sync();
    assert.deepEqual(
      first.results[0]!.rejected.map((r) => r.id),
      ['ld:NOPE-7-only'],
    );
    sim.clearRequests();
    const second = await sync();
    assert.deepEqual([second.results[0]!.rejected.map((r) => r.id), jiraWrites().length], [['ld:NOPE-7-only'], 1]);
  });
});
