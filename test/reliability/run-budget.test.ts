import { strict as assert } from 'node:assert';
import { rm } from 'node:fs/promises';
import { startSimulator, type Simulator } from '../../src/simulator';
import { runCli, startCli, waitFor } from '../helpers/cli';
import { linkedFlags, tempDir, writeEnvironments } from '../helpers/flagd-fixtures';
import { flagdProvider, writeSyncConfig } from '../helpers/sync-config';

const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

describe('run budget: a run that cannot finish stops with one reason', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let dir: string;

  beforeEach(async () => {
    sim = await startSimulator({});
    dir = await tempDir();
    await writeEnvironments(dir, linkedFlags(1000));
  });
  afterEach(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a token endpoint that cannot issue a token: exit 1, the reason once, one line for what was not sent', async () => {
    sim.injectFault({ type: 'status', status: 503, path: '/oauth/token', times: 1000 });
    const config = await writeSyncConfig(dir, sim, [flagdProvider('files', dir)], { jira: { concurrency: 4 } });
    const result = await runCli(['run', '--once', '--config', config]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /^run stopped early: the token endpoint cannot issue a token: token request to \S+ answered HTTP 503/m);
    assert.match(result.stdout, /^files: 1000 entities not sent: the run stopped early; they are sent next run$/m);
    assert.ok(lines(result.stdout).length < 20, `${lines(result.stdout).length} lines of summary`);
    assert.ok(sim.requests.filter((r) => r.path === '/oauth/token').length <= 8);
    const json = JSON.parse((await runCli(['run', '--once', '--json', '--config', config])).stdout) as {
      stopped: string;
      providers: Array<{ notSent: number; failures: unknown[] }>;
    };
    assert.match(json.stopped, /token endpoint cannot issue a token/);
    assert.deepEqual([json.providers[0]!.notSent, json.providers[0]!.failures.length], [1000, 0]);
  });

  it('a run that could get no token sent nothing, and state says so: the next run creates (not updates), nothing shows as pending', async () => {
    sim.injectFault({ type: 'status', status: 503, path: '/oauth/token', times: 1000 });
    const config = await writeSyncConfig(dir, sim, [flagdProvider('files', dir)], { jira: { concurrency: 4 } });
    const failed = await runCli(['run', '--once', '--config', config]);
    assert.equal(failed.code, 1, failed.stderr);
    const status = JSON.parse((await runCli(['status', '--json', '--config', config])).stdout) as {
      providers: Array<{ provider: string; inJira: number; pendingRetry: number }>;
    };
    assert.deepEqual(
      status.providers.map((p) => [p.provider, p.inJira, p.pendingRetry]),
      [['files', 0, 0]],
    );
    sim.clearFaults();
    const rerun = await runCli(['run', '--once', '--json', '--config', config]);
    assert.equal(rerun.code, 0, rerun.stderr);
    const summary = JSON.parse(rerun.stdout) as { providers: Array<{ created: number; updated: number }> };
    assert.deepEqual([summary.providers[0]!.created, summary.providers[0]!.updated], [1000, 0]);
  });

  it('sync.runTimeoutSeconds stops a slow run like SIGTERM: the batch in flight lands and is recorded, the next run sends the rest', async () => {
    sim.injectFault({ type: 'delay', ms: 1500, method: 'POST', path: '/bulk', times: 1000 });
    const config = await writeSyncConfig(dir, sim, [flagdProvider('files', dir)], { sync: { runTimeoutSeconds: 3 } });
    // 10 batches one at a time, 1.5 s each, take 15 s: the 3 s budget stops the run first.
    const result = await runCli(['run', '--once', '--json', '--config', config]);
    assert.equal(result.code, 1, result.stderr);
    const summary = JSON.parse(result.stdout) as { stopped: string; providers: Array<{ created: number; notSent: number }> };
    assert.equal(summary.stopped, 'the run took longer than sync.runTimeoutSeconds (3 s)');
    const created = summary.providers[0]!.created;
    assert.ok(created < 1000, `${created} created`);
    // Every batch Jira answered was recorded (the one in flight at the timeout included), the rest is listed unsent.
    assert.equal(created, sim.requests.filter((r) => r.path.endsWith('/bulk') && r.status === 202).length * 100);
    assert.equal(summary.providers[0]!.notSent, 1000 - created);
    sim.clearFaults();
    const rerun = await runCli(['run', '--once', '--json', '--config', await writeSyncConfig(dir, sim, [flagdProvider('files', dir)])]);
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.equal((JSON.parse(rerun.stdout) as { providers: Array<{ created: number }> }).providers[0]!.created, 1000 - created);
    assert.equal(sim.stored('featureflags').length, 1000);
  });

  it("--run-timeout overrides sync.runTimeoutSeconds (a CronJob sharing the daemon's config) and is named as the reason", async () => {
    sim.injectFault({ type: 'delay', ms: 1500, method: 'POST', path: '/bulk', times: 1000 });
    const config = await writeSyncConfig(dir, sim, [flagdProvider('files', dir)]);
    const result = await runCli(['run', '--once', '--json', '--run-timeout', '3s', '--config', config]);
    assert.equal(result.code, 1, result.stderr);
    const summary = JSON.parse(result.stdout) as { stopped: string; providers: Array<{ created: number; notSent: number }> };
    assert.equal(summary.stopped, 'the run took longer than --run-timeout (3 s)');
    assert.ok(summary.providers[0]!.notSent > 0);
    for (const bad of ['0s', 'soon', '30d']) {
      const refused = await runCli(['run', '--once', '--run-timeout', bad, '--config', config]);
      assert.equal(refused.code, 2, refused.stderr);
      assert.match(refused.stderr, new RegExp(`--run-timeout: expected a duration from 1s to 24 days \\(30s, 5m, 1h\\), got "${bad}"`));
    }
  });

  it('SIGTERM on a large run prints one line for what was not sent, not one per flag', async () => {
    sim.injectFault({ type: 'delay', ms: 1500, method: 'POST', path: '/bulk', times: 3 });
    const config = await writeSyncConfig(dir, sim, [flagdProvider('files', dir)]);
    const { child, done } = startCli(['run', '--once', '--config', config]);
    await waitFor(() => sim.requests.some((r) => r.path.endsWith('/bulk')), 20_000, 'first batch sent');
    child.kill('SIGTERM');
    const result = await done;
    assert.equal(result.code, 1);
    assert.match(result.stdout, /^run stopped early: received SIGTERM; what was not sent goes next run$/m);
    assert.match(result.stdout, /^files: 9\d0 entities not sent: the run stopped early; they are sent next run$/m);
    assert.doesNotMatch(result.stdout, /not sent: aborted/);
  });

  it('SIGTERM while the last batch is in flight: the batch lands, state is saved, and the run did all its work (exit 0)', async () => {
    await writeEnvironments(dir, linkedFlags(40));
    sim.injectFault({ type: 'delay', ms: 1500, method: 'POST', path: '/bulk', times: 1 });
    const config = await writeSyncConfig(dir, sim, [flagdProvider('files', dir)]);
    const { child, done } = startCli(['run', '--once', '--json', '--config', config]);
    await waitFor(() => sim.requests.some((r) => r.path.endsWith('/bulk')), 20_000, 'the one batch sent');
    assert.equal(sim.requests.find((r) => r.path.endsWith('/bulk'))?.status, 0, 'the batch is still in flight');
    child.kill('SIGTERM');
    const result = await done;
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(result.stdout) as {
      ok: boolean;
      stopped: string | null;
      providers: Array<{ created: number; notSent: number }>;
    };
    assert.deepEqual([summary.ok, summary.stopped, summary.providers[0]?.created, summary.providers[0]?.notSent], [true, null, 40, 0]);
    assert.match(result.stderr, /stopped by signal; state saved/);
    assert.equal((sim.stored('featureflags') as unknown[]).length, 40);
    // What Jira accepted is in state: the next run has nothing to send.
    const again = await runCli(['run', '--once', '--json', '--config', config]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(sim.requests.filter((r) => r.path.endsWith('/bulk')).length, 1);
  });
});
