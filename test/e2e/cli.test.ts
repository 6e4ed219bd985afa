import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import * as net from 'node:net';
import * as path from 'node:path';
import axios from 'axios';
import type { JiraFeatureFlag } from '../../src/jira/payloads';
import { startSimulator, type Simulator } from '../../src/simulator';
import { runCli, startCli, waitFor, type CliResult } from '../helpers/cli';
import { linkedFlags, tempDir, writeEnvironments } from '../helpers/flagd-fixtures';
import { flagdProvider, writeSyncConfig } from '../helpers/sync-config';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const acceptedBulks = (sim: Simulator) => sim.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/bulk') && r.status === 202);

describe('flagsync CLI as a process', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let dir: string;
  let config: string;

  beforeEach(async () => {
    sim = await startSimulator({});
    dir = await tempDir();
    await writeEnvironments(dir, linkedFlags(250));
    config = await writeSyncConfig(dir, sim, [flagdProvider('files', dir)]);
  });
  afterEach(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('run --once --json: exit 0 and a machine-readable summary', async () => {
    const result = await runCli(['run', '--once', '--json', '--config', config]);
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(result.stdout) as { ok: boolean; providers: Array<{ name: string; created: number; flags: number }> };
    assert.equal(summary.ok, true);
    assert.deepEqual(
      summary.providers.map((p) => [p.name, p.flags, p.created]),
      [['files', 250, 250]],
    );
  });

  it('exit 1 naming the failed provider, and nothing deleted', async () => {
    assert.equal((await runCli(['run', '--once', '--config', config])).code, 0);
    await rm(path.join(dir, 'staging.flagd.json'));
    sim.clearRequests();
    const result = await runCli(['run', '--once', '--config', config]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /files: source failed, nothing sent and nothing deleted: .*staging\.flagd\.json/);
    assert.equal(sim.requests.filter((r) => r.method === 'DELETE').length, 0);
    assert.equal((sim.stored('featureflags') as unknown[]).length, 250);
  });

  it('bad config: exit 2, one line per problem with its path, nothing sent', async () => {
    await writeFile(
      config,
      [
        'jira:',
        '  cloudId: nope',
        '  clientId: x',
        '  clientSecret: hunter22',
        'providers:',
        '  - name: files',
        '    adapter: nosuch',
        '',
      ].join('\n'),
    );
    const result = await runCli(['run', '--once', '--config', config]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /jira\.cloudId: expected a UUID/);
    assert.match(result.stderr, /providers\[0\]\.adapter: unknown adapter "nosuch"/);
    assert.doesNotMatch(result.stderr + result.stdout, /hunter22/);
    assert.equal(sim.requests.length, 0);
  });

  it('a config without providers is enough for validate (send-only) but not for run or plan', async () => {
    const sendOnly = await writeSyncConfig(dir, sim, []);
    const validated = await runCli(['validate', '--config', sendOnly]);
    assert.equal(validated.code, 0, validated.stderr);
    assert.match(validated.stdout, /no providers \(enough for `flagsync send`/);
    for (const command of ['run', 'plan']) {
      const result = await runCli([command, '--once', '--config', sendOnly].filter((a) => command === 'run' || a !== '--once'));
      assert.equal(result.code, 2, `${command}: ${result.stderr}`);
      assert.match(result.stderr, /config error: providers: expected at least one provider/);
    }
    assert.equal(sim.requests.length, 0);
  });

  it('demo (npm start) syncs into its own simulator and names the next step as a checkout runs it', async () => {
    const result = await runCli(['demo']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Second run with nothing changed: 0 write requests sent/);
    // No `flagsync` command is on the PATH of a checkout: the hint is the command the README gives.
    assert.match(result.stdout, /Next: `npx tsx src\/cli\/main\.ts init --adapter /);
  });

  it('unknown option: exit 2', async () => {
    assert.equal((await runCli(['run', '--bogus'])).code, 2);
  });

  it('plan prints the diff and sends nothing', async () => {
    const result = await runCli(['plan', '--config', config]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /files: 250 to create, 0 to update, 0 to delete, 0 unchanged, 0 unlinked/);
    assert.match(result.stdout, /\+ files:PROJ-1-flag {2}\(PROJ-1\)/);
    assert.equal(sim.requests.length, 0);
  });

  it('validate: exit 0 on a good config', async () => {
    const result = await runCli(['validate', '--config', config]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /config OK: .* 1 provider\(s\): files \(flagd\)/);
  });

  it('killed with SIGKILL mid-submit, a re-run leaves Jira holding exactly the desired state', async () => {
    sim.injectFault({ type: 'delay', ms: 800, method: 'POST', path: '/bulk', times: 3 });
    const { child, done } = startCli(['run', '--once', '--config', config]);
    await waitFor(() => acceptedBulks(sim).length >= 1, 20_000, 'first batch accepted');
    child.kill('SIGKILL');
    assert.equal((await done).signal, 'SIGKILL');
    assert.ok((sim.stored('featureflags') as unknown[]).length < 250);

    const rerun = await runCli(['run', '--once', '--config', config]);
    assert.equal(rerun.code, 0, rerun.stderr);
    const stored = sim.stored('featureflags') as JiraFeatureFlag[];
    assert.equal(stored.length, 250);
    for (const [i, f] of linkedFlags(250).entries()) {
      const flag = stored.find((s) => s.id === `files:${f.key}`)!;
      assert.deepEqual(
        flag.details.find((d) => d.environment.name === 'production')!.status.rollout,
        { percentage: f.percent },
        `flag ${i}`,
      );
    }
    sim.clearRequests();
    assert.equal((await runCli(['run', '--once', '--config', config])).code, 0);
    assert.equal(acceptedBulks(sim).length, 0);
  });

  /** A run --once stopped by `signal` while its second batch is on the wire: the batch finishes, state is saved. */
  async function stoppedMidRun(signal: NodeJS.Signals): Promise<CliResult> {
    sim.injectFault({ type: 'delay', ms: 1500, method: 'POST', path: '/bulk', times: 3 });
    const { child, done } = startCli(['run', '--once', '--config', config]);
    await waitFor(() => acceptedBulks(sim).length >= 1, 20_000, 'first batch accepted');
    // The second batch leaves once it is marked in flight (write-ahead); stop while it is on the wire.
    await waitFor(() => sim.requests.filter((r) => r.path.endsWith('/bulk')).length >= 2, 20_000, 'second batch sent');
    child.kill(signal);
    const result = await done;
    assert.equal(result.code, 1, `a stopped --once run did not send everything: ${result.stderr}`);
    assert.equal(acceptedBulks(sim).length, 2, 'the batch in flight finished, no new batch started');
    const state = JSON.parse(await readFile(path.join(dir, 'state.json'), 'utf8')) as { entities: { featureflags: object } };
    assert.equal(Object.keys(state.entities.featureflags).length, 200);
    return result;
  }

  it('SIGTERM during a run finishes the batch in flight and saves state', async () => {
    await stoppedMidRun('SIGTERM');
    sim.clearRequests();
    const rerun = await runCli(['run', '--once', '--json', '--config', config]);
    assert.equal((JSON.parse(rerun.stdout) as { providers: Array<{ created: number }> }).providers[0]!.created, 50);
  });

  it('SIGHUP (a terminal hanging up) stops a run as SIGTERM does: the batch in flight finishes, state saved, lock released', async () => {
    const result = await stoppedMidRun('SIGHUP');
    assert.match(result.stderr, /"signal":"SIGHUP".*stopping: finishing the batch in flight and saving state/);
    assert.equal(existsSync(path.join(dir, 'state.json.lock')), false, 'the writer lock is released');
  });

  it('daemon: syncs on the cron schedule, picks up changes, serves metrics, exits 0 on SIGTERM with state saved', async () => {
    await writeEnvironments(dir, linkedFlags(5));
    const port = await freePort();
    config = await writeSyncConfig(dir, sim, [flagdProvider('files', dir)], {
      schedule: '*/1 * * * * *',
      metrics: { host: '127.0.0.1', port },
    });
    const { child, done } = startCli(['run', '--config', config]);
    await waitFor(() => (sim.stored('featureflags') as unknown[]).length === 5, 20_000, 'first daemon run');
    await writeEnvironments(
      dir,
      linkedFlags(5).map((f) => (f.key === 'PROJ-2-flag' ? { ...f, percent: 77 } : f)),
    );
    const rolledOut = () => (sim.storedFlag('files:PROJ-2-flag') as JiraFeatureFlag).details[0]!.status.rollout?.percentage === 77;
    await waitFor(rolledOut, 20_000, 'scheduled run to send the change');
    const metrics = (await axios.get<string>(`http://127.0.0.1:${port}/metrics`)).data.split('\n');
    assert.ok(metrics.includes('flagsync_entities_total{provider="files",outcome="created"} 5'), 'created counted');
    assert.ok(metrics.includes('flagsync_provider_up{provider="files"} 1'));
    child.kill('SIGTERM');
    const result = await done;
    assert.equal(result.code, 0, result.stderr);
    const state = JSON.parse(await readFile(path.join(dir, 'state.json'), 'utf8')) as { entities: { featureflags: object } };
    assert.equal(Object.keys(state.entities.featureflags).length, 5);
  });
});
