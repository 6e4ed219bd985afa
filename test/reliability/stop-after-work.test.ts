import { strict as assert } from 'node:assert';
import { readFile, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { builtInRegistry } from '../../src/adapter-host/registry';
import { syncOnce } from '../../src/cli/commands/sync';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/log';
import type { StateStore } from '../../src/reconcile/state-store';
import { prepareBuild, spooledFiles, spoolEvent } from '../../src/send';
import { startSimulator, type Simulator } from '../../src/simulator';
import { FileStateStore } from '../../src/store/file/file-state-store';
import { linkedFlags, tempDir, writeEnvironments } from '../helpers/flagd-fixtures';
import { waitFor } from '../helpers/cli';
import { flagdProvider, writeSyncConfig } from '../helpers/sync-config';

/** The file store, stopping the run (as SIGTERM would) once state is saved: after the last answer. */
function stoppingStore(file: string, stop: AbortController): StateStore {
  const store = new FileStateStore(file);
  return {
    load: store.load,
    loadSummary: store.loadSummary,
    keepSummary: store.keepSummary,
    append: store.append,
    checkWritable: store.checkWritable,
    save: async (state) => {
      await store.save(state);
      stop.abort(new Error('received SIGTERM'));
    },
  };
}

async function buildEvent() {
  const build = await prepareBuild(
    { pipelineId: 'web', buildNumber: '1', state: 'successful', url: 'http://ci.example/web/1', branch: 'feature/PROJ-1-x' },
    { now: Date.now(), cwd: process.cwd() },
  );
  return build.event;
}

/** A stop counts as stopping the run early only when it left something undone. */
describe('a stop after the last answer', function () {
  this.timeout(30_000);
  let sim: Simulator;
  let dir: string;

  beforeEach(async () => {
    sim = await startSimulator({});
    dir = await tempDir();
    await writeEnvironments(dir, linkedFlags(5));
  });
  afterEach(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function syncStoppedAfterSave() {
    const config = await loadConfig(await writeSyncConfig(dir, sim, [flagdProvider('files', dir)]), builtInRegistry());
    const stop = new AbortController();
    const report = await syncOnce(config, silentLogger, {
      dryRun: false,
      allowMassDelete: false,
      signal: stop.signal,
      store: stoppingStore(path.join(dir, 'state.json'), stop),
    });
    assert.ok(stop.signal.aborted, 'the store stopped the run');
    return { config, report };
  }

  it('with nothing left to send, the run is ok and not stopped', async () => {
    const { report } = await syncStoppedAfterSave();
    assert.deepEqual([report.ok, report.stopped, report.results[0]?.created], [true, undefined, 5]);
  });

  it('a stop while the last batch is in flight: the run is ok, and its source is recorded as read', async () => {
    const config = await loadConfig(await writeSyncConfig(dir, sim, [flagdProvider('files', dir)]), builtInRegistry());
    sim.injectFault({ type: 'delay', ms: 500, method: 'POST', path: '/bulk', times: 1 });
    const stop = new AbortController();
    const running = syncOnce(config, silentLogger, { dryRun: false, allowMassDelete: false, signal: stop.signal });
    await waitFor(() => sim.requests.some((r) => r.path.endsWith('/bulk') && r.status === 0), 10_000, 'the batch in flight');
    stop.abort(new Error('received SIGTERM'));
    const report = await running;
    assert.deepEqual([report.ok, report.stopped, report.results[0]?.created], [true, undefined, 5]);
    // The next run with the same files need not read them again.
    const state = JSON.parse(await readFile(path.join(dir, 'state.json'), 'utf8')) as { sources?: Record<string, unknown> };
    assert.deepEqual(Object.keys(state.sources ?? {}), ['files']);
  });

  it('a run that failed on its own (Jira refused its batch) is not called stopped by a stop after its last answer', async () => {
    sim.injectFault({ type: 'status', status: 400, method: 'POST', path: '/featureflags/0.1/', times: 1 });
    const { report } = await syncStoppedAfterSave();
    assert.deepEqual([report.ok, report.stopped, report.results[0]?.created], [false, undefined, 0]);
    assert.equal(report.results[0]?.failed.length, 5);
    assert.ok(report.results[0]?.failed.every((f) => f.reason !== 'aborted'));
  });

  it('the circuit breaker opening while the spool drains stops the run, and the event stays', async () => {
    const config = await loadConfig(
      await writeSyncConfig(dir, sim, [flagdProvider('files', dir)], { jira: { maxAttempts: 1 } }),
      builtInRegistry(),
    );
    assert.equal((await syncOnce(config, silentLogger, { dryRun: false, allowMassDelete: false })).ok, true);
    await spoolEvent(config.spool.path, await buildEvent(), Date.now());
    sim.injectFault({ type: 'status', status: 503, path: '/oauth/token', times: 100 });
    const report = await syncOnce(config, silentLogger, { dryRun: false, allowMassDelete: false });
    assert.equal(report.ok, false);
    assert.match(report.stopped ?? '', /^the token endpoint cannot issue a token/);
    assert.equal((await spooledFiles(config.spool.path)).length, 1);
  });

  it('with spooled events left undelivered, the run stopped early and says why; the events stay', async () => {
    const spool = path.join(dir, 'spool');
    await spoolEvent(spool, await buildEvent(), Date.now());
    const { config, report } = await syncStoppedAfterSave();
    assert.equal(config.spool.path, spool);
    assert.deepEqual([report.ok, report.stopped, report.results[0]?.created], [false, 'received SIGTERM', 5]);
    assert.equal((await spooledFiles(spool)).length, 1);
  });
});
