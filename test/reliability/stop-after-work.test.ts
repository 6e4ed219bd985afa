import { strict as assert } from 'node:assert';
import { rm } from 'node:fs/promises';
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

  it('with spooled events left undelivered, the run stopped early and says why; the events stay', async () => {
    const spool = path.join(dir, 'spool');
    const build = await prepareBuild(
      { pipelineId: 'web', buildNumber: '1', state: 'successful', url: 'http://ci.example/web/1', branch: 'feature/PROJ-1-x' },
      { now: Date.now(), cwd: process.cwd() },
    );
    await spoolEvent(spool, build.event, Date.now());
    const { config, report } = await syncStoppedAfterSave();
    assert.equal(config.spool.path, spool);
    assert.deepEqual([report.ok, report.stopped, report.results[0]?.created], [false, 'received SIGTERM', 5]);
    assert.equal((await spooledFiles(spool)).length, 1);
  });
});
