import { strict as assert } from 'node:assert';
import { mkdir, rename, rm, utimes, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import axios from 'axios';
import { startSimulator, type Simulator } from '../../src/simulator';
import { runCli, startCli, waitFor, type CliResult } from '../helpers/cli';
import { flagdFile, linkedFlags, tempDir, writeEnvironments, type FixtureFlag } from '../helpers/flagd-fixtures';
import { freePort } from '../helpers/ports';
import { flagdProvider, writeSyncConfig } from '../helpers/sync-config';
import { LockFile } from '../../src/store/file/lock-file';
import { thisProcess } from '../../src/store/holder';

/** `flagsync run --watch` as a real process: flagd files on disk, the Jira simulator on loopback. */
const NEVER = '0 0 1 1 *'; // the schedule's full sync runs at start only, within the test

interface StoredFlag {
  details: Array<{ environment: { name: string }; status: { enabled: boolean } }>;
}

function enabledIn(sim: Simulator, id: string, environment: string): boolean | undefined {
  const flag = sim.storedFlag(id) as StoredFlag | undefined;
  return flag?.details.find((d) => d.environment.name === environment)?.status.enabled;
}

const jiraRequests = (sim: Simulator) => sim.requests.filter((r) => r.path.startsWith('/jira/') || r.path.startsWith('/oauth/'));

/** Log lines of the child (JSON on stderr). */
function logLines(stderr: () => string): Array<Record<string, unknown>> {
  return stderr()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Replaces a file the way editors save: a new file renamed over the old one. */
async function replaceFile(file: string, text: string): Promise<void> {
  await writeFile(`${file}.tmp`, text);
  await rename(`${file}.tmp`, file);
}

describe('flagsync run --watch', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let dir: string;
  let otherDir: string;
  let daemon: ReturnType<typeof startCli> | undefined;
  let stderr: () => string;
  let metricsUrl: string;
  let config: string;
  const flags: FixtureFlag[] = linkedFlags(3);

  beforeEach(async () => {
    sim = await startSimulator({});
    dir = await tempDir();
    otherDir = path.join(dir, 'other');
    await mkdir(otherDir);
    await writeEnvironments(dir, flags);
    await writeEnvironments(otherDir, linkedFlags(2, 100));
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
    config = await writeSyncConfig(dir, sim, [flagdProvider('files', dir), flagdProvider('other', otherDir)], {
      schedule: NEVER,
      sync: { watchDebounceMs: 200 },
      metrics: { port, host: '127.0.0.1' },
    });
    daemon = startCli(['run', '--watch', '--config', config], { FLAGSYNC_LOG_LEVEL: 'info' });
    let text = '';
    daemon.child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
    stderr = () => text;
    // The full sync at start, then the watch.
    await waitFor(() => enabledIn(sim, 'other:PROJ-101-flag', 'production') !== undefined, 30_000, 'the first full sync');
    await waitFor(() => logLines(stderr).some((l) => l['msg'] === 'run finished'), 30_000, 'the first full sync to end');
    await waitFor(() => logLines(stderr).some((l) => l['msg'] === 'watch mode started'), 30_000, 'watch mode to start');
  });
  afterEach(async () => {
    let result: CliResult | undefined;
    if (daemon !== undefined) {
      daemon.child.kill('SIGTERM');
      result = await daemon.done;
      daemon = undefined;
    }
    await sim.close();
    await rm(dir, { recursive: true, force: true });
    assert.equal(result?.code, 0, `the daemon exits 0 on SIGTERM: ${result?.stderr.slice(-2000)}`);
  });

  it('a flag switched off in a file reaches Jira without waiting for the schedule, through a sync of that provider alone', async () => {
    assert.equal(enabledIn(sim, 'files:PROJ-1-flag', 'production'), true);
    const runsBefore = logLines(stderr).filter((l) => l['msg'] === 'run finished').length;
    await replaceFile(path.join(dir, 'production.flagd.json'), flagdFile([{ ...flags[0]!, enabled: false }, ...flags.slice(1)]));
    await waitFor(() => enabledIn(sim, 'files:PROJ-1-flag', 'production') === false, 30_000, 'Jira to hold the new value');
    await waitFor(() => logLines(stderr).filter((l) => l['msg'] === 'run finished').length > runsBefore, 10_000, 'the run to end');
    const run = logLines(stderr).filter((l) => l['msg'] === 'run finished')[runsBefore]!;
    assert.equal(run['trigger'], 'watch');
    assert.deepEqual(
      (run['providers'] as Array<{ name: string }>).map((p) => p.name),
      ['files'],
      'the watch sync reads the provider that changed, and no other',
    );
    const { data } = await axios.get<string>(metricsUrl);
    assert.match(data, /flagsync_syncs_total\{trigger="watch"\} 1\b/);
    assert.match(data, /flagsync_syncs_total\{trigger="schedule"\} 1\b/);
    assert.match(data, /flagsync_change_to_jira_seconds_count\{provider="files"\} 1\b/);
  });

  it('a change while another run holds the writer lock is synced once that run ends, not skipped', async () => {
    // This test process plays another run (a replica's full sync, a run --once) holding the lock.
    const lock = await new LockFile(path.join(dir, 'state.json.lock')).tryAcquire(thisProcess());
    assert.ok(lock.acquired, 'the test holds the writer lock');
    await replaceFile(path.join(dir, 'production.flagd.json'), flagdFile([{ ...flags[0]!, enabled: false }, ...flags.slice(1)]));
    await waitFor(
      () => logLines(stderr).some((l) => String(l['msg']).startsWith('waiting for the writer lock')),
      30_000,
      'the watch sync to wait',
    );
    assert.equal(enabledIn(sim, 'files:PROJ-1-flag', 'production'), true, 'nothing is sent while the lock is held');
    await lock.release();
    await waitFor(() => enabledIn(sim, 'files:PROJ-1-flag', 'production') === false, 30_000, 'Jira to hold the new value');
  });

  it("a change made while no daemon watched is synced by the next one's first run, in the same schedule slot", async () => {
    daemon!.child.kill('SIGTERM');
    assert.equal((await daemon!.done).code, 0);
    await replaceFile(path.join(dir, 'production.flagd.json'), flagdFile([{ ...flags[0]!, enabled: false }, ...flags.slice(1)]));
    daemon = startCli(['run', '--watch', '--config', config], { FLAGSYNC_LOG_LEVEL: 'info' });
    let text = '';
    daemon.child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
    stderr = () => text;
    // The last daemon's first run stands for this slot, which would skip the new one's (a tick's rule): not in watch mode.
    await waitFor(() => enabledIn(sim, 'files:PROJ-1-flag', 'production') === false, 30_000, 'Jira to hold the change');
    assert.ok(!logLines(stderr).some((l) => String(l['msg']).includes('was already synced')));
  });

  it('sends nothing to Jira while the files do not change, also when they are touched or rewritten as they were', async () => {
    sim.clearRequests();
    const file = path.join(dir, 'production.flagd.json');
    await utimes(file, new Date(), new Date());
    await replaceFile(file, flagdFile(flags));
    // A change to the other provider afterwards shows the watch was live the whole time, and is the only sync.
    await replaceFile(
      path.join(otherDir, 'staging.flagd.json'),
      flagdFile([{ ...linkedFlags(2, 100)[0]!, enabled: false }, linkedFlags(2, 100)[1]!]),
    );
    await waitFor(() => enabledIn(sim, 'other:PROJ-100-flag', 'staging') === false, 30_000, 'the other provider to sync');
    // A sync is counted once it has run to its end, a moment after Jira holds what it sent.
    let data = '';
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
      data = (await axios.get<string>(metricsUrl)).data;
      if (/flagsync_syncs_total\{trigger="watch"\} [1-9]/.test(data)) break;
    }
    assert.match(data, /flagsync_syncs_total\{trigger="watch"\} 1\b/, 'one watch sync: the touched provider triggered none');
    const flagPosts = jiraRequests(sim).filter((r) => r.path.includes('/featureflags/'));
    const sentIds = flagPosts.flatMap((r) => ((r.body as { flags?: Array<{ id: string }> }).flags ?? []).map((f) => f.id));
    assert.ok(!sentIds.some((id) => id.startsWith('files:')), `nothing of the unchanged provider was sent: ${sentIds.join(', ')}`);
  });
});

describe('flagsync run --once --watch', () => {
  it('--wait-lock without --once is a usage error (exit 2), not a daemon started with the option ignored', async () => {
    const result = await runCli(['run', '--wait-lock', '5m', '--config', '/nonexistent/flagsync.yaml']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /--wait-lock is for run --once/);
  });

  it('is a usage error (exit 2): watching is for the daemon', async () => {
    const result = await runCli(['run', '--once', '--watch', '--config', '/nonexistent/flagsync.yaml']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /--watch is for the daemon/);
  });
});
