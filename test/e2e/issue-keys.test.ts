/**
 * Issue keys against a Jira site whose project keys hold an underscore (allowed in Jira): the simulator knows
 * MY_PROJ only, so a flag linked to "PROJ-12" instead of "MY_PROJ-12" would be rejected as having no valid issue.
 */
import { strict as assert } from 'node:assert';
import { rm } from 'node:fs/promises';
import { builtInRegistry } from '../../src/adapter-host/registry';
import { syncOnce } from '../../src/cli/commands/sync';
import { loadConfig } from '../../src/config';
import type { JiraFeatureFlag } from '../../src/jira/payloads';
import { silentLogger } from '../../src/log';
import { startSimulator, type Simulator } from '../../src/simulator';
import { tempDir, writeEnvironments } from '../helpers/flagd-fixtures';
import { flagdProvider, writeSyncConfig } from '../helpers/sync-config';

describe('issue keys with an underscore, end to end', function () {
  this.timeout(30_000);
  let sim: Simulator;
  let dir: string;

  beforeEach(async () => {
    sim = await startSimulator({ projects: ['MY_PROJ'] });
    dir = await tempDir();
  });
  afterEach(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a flag keyed MY_PROJ-12-checkout is linked to MY_PROJ-12 and Jira accepts it', async () => {
    await writeEnvironments(dir, [{ key: 'MY_PROJ-12-checkout', percent: 10 }]);
    const configFile = await writeSyncConfig(dir, sim, [flagdProvider('files', dir)]);
    const report = await syncOnce(await loadConfig(configFile, builtInRegistry()), silentLogger, { dryRun: false, allowMassDelete: false });
    assert.equal(report.ok, true);
    const flag = sim.storedFlag('files:MY_PROJ-12-checkout') as JiraFeatureFlag;
    assert.deepEqual(flag.associations, [{ associationType: 'issueIdOrKeys', values: ['MY_PROJ-12'] }]);
  });
});
