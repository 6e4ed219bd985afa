import { strict as assert } from 'node:assert';
import { readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { builtInRegistry } from '../../src/adapter-host/registry';
import { syncOnce } from '../../src/cli/commands/sync';
import { loadConfig } from '../../src/config';
import type { JiraFeatureFlag } from '../../src/jira/payloads';
import { silentLogger } from '../../src/log';
import { startSimulator, type Simulator } from '../../src/simulator';
import { linkedFlags, tempDir, writeEnvironments, type FixtureFlag } from '../helpers/flagd-fixtures';
import { flagdProvider, writeSyncConfig } from '../helpers/sync-config';

const writes = (sim: Simulator) =>
  sim.requests.filter(
    (r) => r.path.includes('/featureflags/') && (r.method === 'DELETE' || (r.method === 'POST' && r.path.endsWith('/bulk'))),
  );
const sentFlags = (sim: Simulator) =>
  writes(sim)
    .filter((r) => r.method === 'POST')
    .flatMap((r) => (r.body as { flags: JiraFeatureFlag[] }).flags);

describe('reconciler end to end (flagd files → simulator over loopback)', function () {
  this.timeout(30_000);
  let sim: Simulator;
  let dir: string;
  let configFile: string;

  async function sync(allowMassDelete = false) {
    const config = await loadConfig(configFile, builtInRegistry());
    return syncOnce(config, silentLogger, { dryRun: false, allowMassDelete });
  }

  beforeEach(async () => {
    sim = await startSimulator({});
    dir = await tempDir();
    await writeEnvironments(
      dir,
      linkedFlags(12),
      linkedFlags(12).map((f) => ({ ...f, enabled: false })),
    );
    configFile = await writeSyncConfig(dir, sim, [flagdProvider('files', dir)]);
  });
  afterEach(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('first run creates every linked flag, and Jira holds them field by field', async () => {
    const report = await sync();
    assert.equal(report.ok, true);
    assert.equal(report.results[0]!.created, 12);
    const stored = sim.stored('featureflags') as JiraFeatureFlag[];
    assert.equal(stored.length, 12);
    const flag = sim.storedFlag('files:PROJ-3-flag') as JiraFeatureFlag;
    assert.equal(flag.key, 'PROJ-3-flag');
    assert.deepEqual(flag.associations, [{ associationType: 'issueIdOrKeys', values: ['PROJ-3'] }]);
    const production = flag.details.find((d) => d.environment.name === 'production')!;
    assert.deepEqual(production.environment, { name: 'production', type: 'production' });
    assert.deepEqual(production.status, { enabled: true, rollout: { percentage: 14 } });
    const staging = flag.details.find((d) => d.environment.name === 'staging')!;
    assert.deepEqual(staging.environment, { name: 'staging', type: 'staging' });
    assert.equal(staging.status.enabled, false);
    assert.equal(flag.summary.status.enabled, true);
    assert.deepEqual(flag.summary.status.rollout, { percentage: 14 });
  });

  it("every bulk request names its source in providerMetadata.product (the seeds' and peers' habit): flagd", async () => {
    await sync();
    const bulk = sim.requests.filter((r) => r.path.endsWith('/bulk'));
    assert.ok(bulk.length > 0);
    for (const request of bulk) assert.deepEqual((request.body as { providerMetadata?: unknown }).providerMetadata, { product: 'flagd' });
  });

  it("each flag's displayName is its name, else its key, never flagsync's <provider>:<key> id", async () => {
    await sync();
    for (const flag of sim.stored('featureflags') as JiraFeatureFlag[]) assert.equal(flag.displayName, flag.key);
  });

  it('a second run with no change sends zero write requests', async () => {
    await sync();
    sim.clearRequests();
    const report = await sync();
    assert.equal(report.ok, true);
    assert.equal(writes(sim).length, 0);
    assert.equal(report.results[0]!.unchanged, 12);
  });

  it('changing one flag sends exactly one update with a greater sequence id', async () => {
    await sync();
    const before = sim.storedFlag('files:PROJ-5-flag') as JiraFeatureFlag;
    const production = linkedFlags(12).map((f) => (f.key === 'PROJ-5-flag' ? { ...f, percent: 90 } : f));
    await writeEnvironments(
      dir,
      production,
      linkedFlags(12).map((f) => ({ ...f, enabled: false })),
    );
    sim.clearRequests();
    const report = await sync();
    assert.equal(report.results[0]!.updated, 1);
    assert.deepEqual(
      sentFlags(sim).map((f) => f.id),
      ['files:PROJ-5-flag'],
    );
    assert.equal(writes(sim).length, 1);
    const after = sim.storedFlag('files:PROJ-5-flag') as JiraFeatureFlag;
    assert.ok(after.updateSequenceId > before.updateSequenceId);
    assert.deepEqual(after.details.find((d) => d.environment.name === 'production')!.status.rollout, { percentage: 90 });
  });

  it('removing one flag sends exactly one delete', async () => {
    await sync();
    await writeEnvironments(dir, linkedFlags(11), linkedFlags(11));
    sim.clearRequests();
    const report = await sync();
    assert.equal(report.results[0]!.deleted, 1);
    const deletes = writes(sim).filter((r) => r.method === 'DELETE');
    assert.equal(deletes.length, 1);
    assert.match(deletes[0]!.path, /flag\/files%3APROJ-12-flag$|flag\/files:PROJ-12-flag$/);
    assert.equal(sim.storedFlag('files:PROJ-12-flag'), undefined);
    // the remaining flags changed too (staging now enabled), so they were updated, not deleted
    assert.equal((sim.stored('featureflags') as unknown[]).length, 11);
  });

  it('a failing provider deletes nothing while another provider still syncs', async () => {
    const other = await tempDir();
    await writeEnvironments(other, [{ key: 'WEB-1-banner', percent: 10 }]);
    configFile = await writeSyncConfig(dir, sim, [flagdProvider('files', dir), flagdProvider('web', other)]);
    await sync();
    await rm(path.join(dir, 'production.flagd.json'));
    await writeEnvironments(other, [{ key: 'WEB-1-banner', percent: 60 }]);
    sim.clearRequests();
    const report = await sync();
    assert.equal(report.ok, false);
    const files = report.results.find((r) => r.provider === 'files')!;
    assert.equal(files.ok, false);
    assert.match(files.error!, /production\.flagd\.json/);
    assert.equal(writes(sim).filter((r) => r.method === 'DELETE').length, 0);
    assert.equal((sim.stored('featureflags') as unknown[]).length, 13);
    assert.equal(report.results.find((r) => r.provider === 'web')!.updated, 1);
    await rm(other, { recursive: true, force: true });
  });

  it('a batch rejected by Jira stays dirty and is sent again next run', async () => {
    sim.injectFault({ type: 'status', status: 400, method: 'POST', path: '/featureflags/0.1/', times: 1 });
    const first = await sync();
    assert.equal(first.ok, false);
    assert.equal(first.results[0]!.failed.length, 12);
    assert.equal((sim.stored('featureflags') as unknown[]).length, 0);
    const state = JSON.parse(await readFile(path.join(dir, 'state.json'), 'utf8')) as { entities: { featureflags?: object } };
    assert.equal(Object.keys(state.entities.featureflags ?? {}).length, 0);
    sim.clearRequests();
    const second = await sync();
    assert.equal(second.ok, true);
    assert.equal(second.results[0]!.created, 12);
    assert.equal((sim.stored('featureflags') as unknown[]).length, 12);
  });

  it('unknown issue keys are reported per flag; a flag with only unknown keys is rejected and retried', async () => {
    const flags: FixtureFlag[] = [
      { key: 'PROJ-1-mixed', description: 'Also NOPE-2' },
      { key: 'NOPE-7-only', percent: 5 },
    ];
    await writeEnvironments(dir, flags);
    const report = await sync(true);
    const result = report.results[0]!;
    assert.deepEqual(result.unknownIssueKeys['files:PROJ-1-mixed'], ['NOPE-2']);
    assert.deepEqual(
      result.rejected.map((r) => r.id),
      ['files:NOPE-7-only'],
    );
    assert.equal(report.ok, false);
    assert.ok(sim.storedFlag('files:PROJ-1-mixed'));
    sim.clearRequests();
    await sync(true);
    assert.deepEqual(
      sentFlags(sim).map((f) => f.id),
      ['files:NOPE-7-only'],
    );
  });

  /** Three linked flags and `checkout`, linked through its description. */
  const relinked = (description: string): FixtureFlag[] => [...linkedFlags(3), { key: 'checkout', description }];

  /** A later run while checkout's keys stay unknown: sent as a new flag (refused), nothing deleted. */
  async function refusedAsNewFlag(): Promise<void> {
    sim.clearRequests();
    const later = (await sync()).results[0]!;
    assert.deepEqual([later.rejected.map((r) => r.id), later.deleted], [['files:checkout'], 0]);
    assert.deepEqual(
      writes(sim).map((r) => r.method),
      ['POST'],
    );
  }

  it('a flag relinked to issues Jira does not have is deleted there, not left showing on the issue it named before', async () => {
    await writeEnvironments(dir, relinked('Implements PROJ-1'));
    assert.equal((await sync()).ok, true);
    assert.deepEqual((sim.storedFlag('files:checkout') as JiraFeatureFlag).associations[0]?.values, ['PROJ-1']);
    // Now linked to a key of no project Jira has: Jira refuses the update, and the flag would stay on PROJ-1.
    await writeEnvironments(dir, relinked('Implements NOPE-9'));
    const refused = (await sync()).results[0]!;
    assert.deepEqual(
      [refused.rejected.map((r) => r.id), refused.deleted, refused.unknownIssueKeys['files:checkout']],
      [['files:checkout'], 1, ['NOPE-9']],
    );
    assert.equal(sim.storedFlag('files:checkout'), undefined);
    // Still unknown: refused again as a new flag, with nothing left to delete.
    await refusedAsNewFlag();
    // Linked to an issue Jira has again: created there.
    await writeEnvironments(dir, relinked('Implements PROJ-2'));
    assert.equal((await sync()).ok, true);
    assert.deepEqual((sim.storedFlag('files:checkout') as JiraFeatureFlag).associations[0]?.values, ['PROJ-2']);
  });

  it('a relinked flag whose delete got no answer is deleted by the next run, though its record is in flight', async () => {
    await writeEnvironments(dir, relinked('Implements PROJ-1'));
    assert.equal((await sync()).ok, true);
    await writeEnvironments(dir, relinked('Implements NOPE-9'));
    sim.injectFault({ type: 'status', status: 503, method: 'DELETE', path: '/featureflags/', times: 10 });
    const failed = (await sync()).results[0]!;
    assert.deepEqual([failed.deleted, failed.failed.map((f) => f.id)], [0, ['files:checkout']]);
    assert.ok(sim.storedFlag('files:checkout'), 'still in Jira: the delete failed');
    sim.clearFaults();
    const next = (await sync()).results[0]!;
    assert.deepEqual([next.rejected.map((r) => r.id), next.deleted], [['files:checkout'], 1]);
    assert.equal(sim.storedFlag('files:checkout'), undefined);
    // Done: later runs send it as a new flag (refused while its keys stay unknown), and delete nothing more.
    await refusedAsNewFlag();
  });

  it('deletes repeated after a failed delete (records in flight) do not add up in the mass-delete guard across runs', async () => {
    configFile = await writeSyncConfig(dir, sim, [flagdProvider('files', dir)], {
      sync: { massDeleteThreshold: 0.3, massDeleteMinimum: 10 },
    });
    await writeEnvironments(dir, linkedFlags(30));
    assert.equal((await sync()).ok, true);
    // 6 leave the source; their deletes get no answer this run, then go the next (their records stay in flight a while).
    await writeEnvironments(dir, linkedFlags(24, 7));
    sim.injectFault({ type: 'status', status: 503, method: 'DELETE', path: '/featureflags/', times: 20 });
    assert.equal((await sync()).ok, false);
    sim.clearFaults();
    assert.equal((await sync()).results[0]!.deleted, 6);
    // 6 more leave: 6 deletes the guard weighs (under its minimum of 10), not 12.
    await writeEnvironments(dir, linkedFlags(18, 13));
    const report = await sync();
    assert.deepEqual([report.ok, report.results[0]!.deletesRefused], [true, 0]);
    assert.equal((sim.stored('featureflags') as unknown[]).length, 18);
  });

  it("the mass-delete guard refuses to delete most of a provider's flags unless allowed", async () => {
    // 6 of 12 is over the share, and over the minimum only when that is below 6 (default 10).
    configFile = await writeSyncConfig(dir, sim, [flagdProvider('files', dir)], { sync: { massDeleteMinimum: 5 } });
    await sync();
    await writeEnvironments(
      dir,
      linkedFlags(6),
      linkedFlags(6).map((f) => ({ ...f, enabled: false })),
    );
    const guarded = await sync();
    assert.equal(guarded.ok, false);
    assert.equal(guarded.results[0]!.deletesRefused, 6);
    assert.equal((sim.stored('featureflags') as unknown[]).length, 12);
    const allowed = await sync(true);
    assert.equal(allowed.results[0]!.deleted, 6);
    assert.equal((sim.stored('featureflags') as unknown[]).length, 6);
  });

  it('a lost state file only causes harmless resubmission with greater sequence ids', async () => {
    await sync();
    const before = sim.storedFlag('files:PROJ-1-flag') as JiraFeatureFlag;
    await rm(path.join(dir, 'state.json'));
    const report = await sync();
    assert.equal(report.ok, true);
    const after = sim.storedFlag('files:PROJ-1-flag') as JiraFeatureFlag;
    assert.ok(after.updateSequenceId > before.updateSequenceId);
    assert.equal((sim.stored('featureflags') as unknown[]).length, 12);
  });

  it('a source rewritten without a change (only times moved) sends nothing and is recognised without mapping', async () => {
    await sync();
    const readState = async () =>
      JSON.parse(await readFile(path.join(dir, 'state.json'), 'utf8')) as {
        entities: { featureflags: Record<string, { i?: string; s: number }> };
      };
    const before = await readState();
    await new Promise((r) => setTimeout(r, 20)); // a later mtime
    await writeEnvironments(
      dir,
      linkedFlags(12),
      linkedFlags(12).map((f) => ({ ...f, enabled: false })),
    );
    sim.clearRequests();
    const report = await sync();
    assert.equal(writes(sim).length, 0);
    assert.equal(report.results[0]!.unchanged, 12);
    const after = await readState();
    const id = 'files:PROJ-1-flag';
    // Times are not part of a flag's source fingerprint: the flag is recognised as unchanged from it alone.
    assert.equal(after.entities.featureflags[id]!.i, before.entities.featureflags[id]!.i, 'same source fingerprint');
    assert.equal(after.entities.featureflags[id]!.s, before.entities.featureflags[id]!.s, 'nothing was sent, same sequence id');
  });

  it('a change of the environment mapping in config re-sends the affected flags', async () => {
    await sync();
    const provider = flagdProvider('files', dir) as { environments: Array<{ type: string }> };
    provider.environments[1]!.type = 'testing';
    configFile = await writeSyncConfig(dir, sim, [provider]);
    sim.clearRequests();
    const report = await sync();
    assert.equal(report.results[0]!.updated, 12);
    const flag = sim.storedFlag('files:PROJ-2-flag') as JiraFeatureFlag;
    assert.deepEqual(flag.details.find((d) => d.environment.name === 'staging')!.environment, { name: 'staging', type: 'testing' });
  });

  it('a provider removed from the config: its flags stay until the removal is confirmed', async () => {
    await sync();
    configFile = await writeSyncConfig(dir, sim, [flagdProvider('renamed', dir)]);
    const guarded = await sync();
    assert.equal(guarded.ok, false);
    const old = guarded.results.find((r) => r.provider === 'files')!;
    assert.equal(old.deletesRefused, 12);
    assert.equal(guarded.results.find((r) => r.provider === 'renamed')!.created, 12);
    assert.equal((sim.stored('featureflags') as unknown[]).length, 24);
    const confirmed = await sync(true);
    assert.equal(confirmed.results.find((r) => r.provider === 'files')!.deleted, 12);
    assert.deepEqual(
      (sim.stored('featureflags') as JiraFeatureFlag[]).map((f) => f.id.split(':')[0]).filter((p) => p !== 'renamed'),
      [],
    );
  });

  it("config properties (4 at most) go on every request with the provider's own, and Jira accepts them", async () => {
    const properties = { team: 'platform', source: 'flagsync', region: 'eu', tier: 'gold' };
    configFile = await writeSyncConfig(dir, sim, [flagdProvider('files', dir)], { jira: { properties } });
    const report = await sync();
    assert.equal(report.ok, true);
    const bulk = sim.requests.find((r) => r.method === 'POST' && r.path.endsWith('/bulk'))!;
    assert.deepEqual((bulk.body as { properties: object }).properties, { ...properties, flagsyncProvider: 'files' });
  });

  it('a send that got no final answer is sent again even when the source goes back to what Jira had before', async () => {
    await sync();
    const changed = linkedFlags(12).map((f) => (f.key === 'PROJ-3-flag' ? { ...f, percent: 99 } : f));
    const staging = linkedFlags(12).map((f) => ({ ...f, enabled: false }));
    await writeEnvironments(dir, changed, staging);
    sim.injectFault({ type: 'status', status: 503, method: 'POST', path: '/bulk', times: 2 }); // maxAttempts is 2
    const failed = await sync();
    assert.equal(failed.results[0]!.failed.length, 1);
    await writeEnvironments(dir, linkedFlags(12), staging); // back to what the record says Jira holds
    sim.clearRequests();
    await sync();
    assert.deepEqual(
      sentFlags(sim).map((f) => f.id),
      ['files:PROJ-3-flag'],
      'Jira may hold the 99% version: resend',
    );
  });

  it('changed Jira properties in config reach the flags already in Jira', async () => {
    await sync();
    configFile = await writeSyncConfig(dir, sim, [flagdProvider('files', dir)], { jira: { properties: { team: 'platform' } } });
    sim.clearRequests();
    const report = await sync();
    assert.equal(report.results[0]!.updated, 12);
    assert.ok(writes(sim).every((r) => (r.body as { properties?: Record<string, string> }).properties?.['team'] === 'platform'));
  });

  it('plan (dry run) sends nothing and writes no state', async () => {
    const config = await loadConfig(configFile, builtInRegistry());
    const report = await syncOnce(config, silentLogger, { dryRun: true, allowMassDelete: false });
    assert.equal(report.plan.providers[0]!.writes.length, 12);
    assert.equal(sim.requests.length, 0);
    await assert.rejects(readFile(path.join(dir, 'state.json')), /ENOENT/);
  });

  it('writes state as valid JSON recording only what Jira accepted', async () => {
    await writeEnvironments(dir, [...linkedFlags(3), { key: 'NOPE-1-rejected', percent: 5 }]);
    await writeFile(path.join(dir, 'staging.flagd.json'), '{"flags": {}}');
    const report = await sync(true);
    assert.deepEqual(
      report.results[0]!.rejected.map((r) => r.id),
      ['files:NOPE-1-rejected'],
    );
    const state = JSON.parse(await readFile(path.join(dir, 'state.json'), 'utf8')) as {
      entities: { featureflags: Record<string, { p: string }> };
    };
    assert.deepEqual(Object.keys(state.entities.featureflags).sort(), ['files:PROJ-1-flag', 'files:PROJ-2-flag', 'files:PROJ-3-flag']);
    assert.ok(Object.values(state.entities.featureflags).every((r) => r.p === 'files'));
  });
});
