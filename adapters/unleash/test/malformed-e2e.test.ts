import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSimulator, type Simulator } from '../../../src/simulator';
import type { FixtureServer } from '../../../src/kit/testing';
import { runCli, type CliResult } from '../../../test/helpers/cli';
import { writeSyncConfig } from '../../../test/helpers/sync-config';
import { featureIn, recordEventIn, STAND_IN_ADMIN_TOKEN, standInData, startUnleashStandIn, type StandInData } from './stand-in-api';

/** A flag already in Jira whose Unleash data turns malformed: the next `run --once` keeps it and warns by name. */
describe('Unleash end to end: a flag that becomes malformed', function () {
  this.timeout(60_000);
  let api: FixtureServer;
  let sim: Simulator;
  let dir: string;
  let config: string;
  let data: StandInData;
  let second: CliResult;
  const deletes = () => sim.requests.filter((r) => r.method === 'DELETE' && r.path.startsWith('/jira/featureflags/'));
  const summary = (result: CliResult) =>
    JSON.parse(result.stdout) as { providers: Array<{ ok: boolean; deleted: number; warnings: string[] }> };

  before(async function () {
    data = standInData();
    api = await startUnleashStandIn(data);
    sim = await startSimulator({});
    dir = await mkdtemp(path.join(os.tmpdir(), 'unleash-malformed-'));
    config = await writeSyncConfig(
      dir,
      sim,
      [
        {
          name: 'unleash',
          adapter: 'unleash',
          url: `${api.url}/api`,
          adminToken: '${env:UNLEASH_ADMIN_TOKEN}',
          environments: [
            { name: 'production', type: 'production' },
            { name: 'development', type: 'development' },
          ],
        },
      ],
      // No mass-delete guard: were the flag left out of the snapshot, this run would delete it.
      { sync: { massDeleteThreshold: 1 } },
    );
    const env = { UNLEASH_ADMIN_TOKEN: STAND_IN_ADMIN_TOKEN };
    const first = await runCli(['run', '--once', '--config', config, '--json'], env);
    assert.equal(first.code, 0, first.stderr);
    assert.ok(sim.storedFlag('unleash:PROJ-7-new-onboarding') !== undefined, 'the first run stores the flag');
    featureIn(data, 'PROJ-7-new-onboarding').feature.environments[1]!.enabled = 'yes';
    recordEventIn(data);
    sim.clearRequests();
    second = await runCli(['run', '--once', '--config', config, '--json'], env);
  });

  after(async function () {
    await sim?.close();
    await api?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('exits 0 with the provider ok', function () {
    assert.equal(second.code, 0, second.stderr);
    assert.equal(summary(second).providers[0]!.ok, true);
  });

  it('sends no DELETE and keeps the flag in Jira', function () {
    assert.deepEqual([deletes().length, summary(second).providers[0]!.deleted], [0, 0]);
    assert.ok(sim.storedFlag('unleash:PROJ-7-new-onboarding') !== undefined);
  });

  it('warns about the flag by name, with the field at fault', function () {
    assert.deepEqual(summary(second).providers[0]!.warnings, [
      "flag unleash:PROJ-7-new-onboarding: skipped, the source's data could not be used: environments[1].enabled: expected boolean",
    ]);
  });
});
