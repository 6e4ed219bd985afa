import { strict as assert } from 'node:assert';
import { rm } from 'node:fs/promises';
import { startSimulator, type Simulator } from '../../src/simulator';
import { runCli } from '../helpers/cli';
import { linkedFlags, tempDir, writeEnvironments } from '../helpers/flagd-fixtures';
import { flagdProvider, writeSyncConfig } from '../helpers/sync-config';

interface JsonSummary {
  ok: boolean;
  providers: Array<{
    name: string;
    ok: boolean;
    status: string;
    rejected: number;
    failed: number;
    deleted: number;
    deletesHeldBack: string[];
    failureGroups: Array<{ kind: string; cause: string; count: number; hint: string | null }>;
  }>;
}

const OTHER_CLOUD = '99999999-8888-7777-6666-555555555555';

describe('CLI: honest run summaries (failed apart from rejected, grouped causes, the mass-delete guard)', function () {
  this.timeout(90_000);
  let sim: Simulator;
  let dir: string;

  beforeEach(async () => {
    sim = await startSimulator({});
    dir = await tempDir();
  });
  afterEach(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a wrong cloud id: status failed, counted as failed (not rejected), one grouped line with a hint', async () => {
    await writeEnvironments(dir, linkedFlags(3));
    const config = await writeSyncConfig(dir, sim, [flagdProvider('shop', dir)], { jira: { cloudId: OTHER_CLOUD } });
    const text = await runCli(['run', '--once', '--config', config]);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /│ shop +│ failed +│ 3 +│ 0 +│ 0 +│ 0 +│ 0 +│ 0 +│ 3 +│ 0 +│ 0 +│/);
    const grouped = text.stdout.split('\n').filter((l) => l.startsWith('shop: '));
    assert.equal(grouped.length, 1, text.stdout);
    assert.match(grouped[0]!, /^shop: 3 entities not sent: POST \S+\/bulk: HTTP 404/);
    assert.match(text.stdout, /hint: check jira\.cloudId or jira\.site/);

    const json = JSON.parse((await runCli(['run', '--once', '--json', '--config', config])).stdout) as JsonSummary;
    const [shop] = json.providers;
    assert.deepEqual([shop!.ok, shop!.status, shop!.failed, shop!.rejected], [false, 'failed', 3, 0]);
    assert.equal(shop!.failureGroups.length, 1);
    assert.equal(shop!.failureGroups[0]!.count, 3);
  });

  it('Jira refusing flags: status rejected, identical messages grouped into one line', async () => {
    await writeEnvironments(dir, [{ key: 'NOPE-1-a' }, { key: 'NOPE-2-b' }, { key: 'PROJ-1-c' }]);
    const config = await writeSyncConfig(dir, sim, [flagdProvider('shop', dir)]);
    const result = await runCli(['run', '--once', '--config', config]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /│ shop +│ rejected +│/);
    assert.match(result.stdout, /^shop: 2 entities rejected by Jira: No valid issues found for feature flag$/m);
    assert.match(result.stdout, /^ {2}\(shop:NOPE-1-a, shop:NOPE-2-b\)$/m);
  });

  it('run --once logs "run finished" with the counts, as the daemon does', async () => {
    await writeEnvironments(dir, linkedFlags(2));
    const config = await writeSyncConfig(dir, sim, [flagdProvider('shop', dir)]);
    const result = await runCli(['run', '--once', '--config', config]);
    const finished = result.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg: string; ok?: boolean; providers?: Array<{ name: string; created: number }> })
      .find((l) => l.msg === 'run finished');
    assert.ok(finished, result.stderr);
    assert.equal(finished.ok, true);
    assert.deepEqual(
      finished.providers?.map((p) => [p.name, p.created]),
      [['shop', 2]],
    );
  });

  it('deleting 1 of 3 flags needs no confirmation (below sync.massDeleteMinimum)', async () => {
    await writeEnvironments(dir, linkedFlags(3));
    const config = await writeSyncConfig(dir, sim, [flagdProvider('shop', dir)]);
    assert.equal((await runCli(['run', '--once', '--config', config])).code, 0);
    await writeEnvironments(dir, linkedFlags(2));
    const json = JSON.parse((await runCli(['run', '--once', '--json', '--config', config])).stdout) as JsonSummary;
    assert.deepEqual([json.ok, json.providers[0]!.deleted, json.providers[0]!.status], [true, 1, 'ok']);
  });

  it('the guard holds back deletes over the share AND the minimum; the table shows it and how to confirm', async () => {
    await writeEnvironments(dir, linkedFlags(30));
    const config = await writeSyncConfig(dir, sim, [flagdProvider('shop', dir)]);
    assert.equal((await runCli(['run', '--once', '--config', config])).code, 0);
    await writeEnvironments(dir, linkedFlags(18));
    const result = await runCli(['run', '--once', '--config', config]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /│ shop +│ deletes held +│ 18 +│ 0 +│ 0 +│ 0 +│ 0 +│ 0 +│ 0 +│ 12 +│/);
    const confirm = /12 of 30 would be deleted: held back by the mass-delete guard.*confirm with: flagsync (.*)$/m.exec(result.stdout)?.[1];
    assert.equal(confirm, `run --once --allow-mass-delete --provider shop --config ${config}`, 'it names the config file given');
    assert.equal((sim.stored('featureflags') as unknown[]).length, 30);
    const json = JSON.parse((await runCli(['run', '--once', '--json', '--config', config])).stdout) as JsonSummary;
    assert.equal(json.providers[0]!.deletesHeldBack.length, 12);
    // The command it printed, as it is.
    assert.equal((await runCli(confirm.split(' '))).code, 0);
    assert.equal((sim.stored('featureflags') as unknown[]).length, 18);
  });

  it('sync.massDeleteMinimum: 0 restores the share-only guard', async () => {
    await writeEnvironments(dir, linkedFlags(3));
    const config = await writeSyncConfig(dir, sim, [flagdProvider('shop', dir)], { sync: { massDeleteMinimum: 0 } });
    assert.equal((await runCli(['run', '--once', '--config', config])).code, 0);
    await writeEnvironments(dir, linkedFlags(2));
    const json = JSON.parse((await runCli(['run', '--once', '--json', '--config', config])).stdout) as JsonSummary;
    assert.deepEqual(
      [json.ok, json.providers[0]!.status, json.providers[0]!.deletesHeldBack],
      [false, 'deletes held', ['shop:PROJ-3-flag']],
    );
  });
});
