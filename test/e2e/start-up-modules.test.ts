import { strict as assert } from 'node:assert';
import { readFile, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { startSimulator, type Simulator } from '../../src/simulator';
import { runCli, runOnceJson } from '../helpers/cli';
import { linkedFlags, tempDir, writeEnvironments } from '../helpers/flagd-fixtures';
import { flagdProvider, writeSyncConfig } from '../helpers/sync-config';

/**
 * A scheduled `run --once` is a process per run, and at 10k flags its start-up weighed as much as the run: each module
 * loads when the run needs it. Checked on the modules a real CLI process loaded (recorded at its exit by a preload),
 * since nothing else would notice a static import bringing one back.
 */
describe('modules a CLI process loads (flagd files → simulator over loopback)', function () {
  this.timeout(60_000);
  const RECORDER = path.join(__dirname, '..', 'helpers', 'loaded-modules.cjs');
  let sim: Simulator;
  let dir: string;
  let configFile: string;

  /** The ids of the modules a CLI process loaded, after `run` ran it with the recorder preloaded. */
  async function loadedBy(run: (env: NodeJS.ProcessEnv) => Promise<unknown>): Promise<string[]> {
    const list = path.join(dir, `loaded-${Date.now()}.txt`);
    await run({ NODE_OPTIONS: `--require "${RECORDER}"`, FLAGSYNC_TEST_LOADED_MODULES: list });
    return (await readFile(list, 'utf8')).split('\n');
  }
  const packages = (ids: readonly string[], names: readonly string[]) =>
    names.filter((name) => ids.some((id) => id.includes(`${path.sep}node_modules${path.sep}${name}${path.sep}`)));
  const own = (ids: readonly string[], files: readonly string[]) =>
    files.filter((file) => ids.some((id) => id.endsWith(path.join(...file.split('/')))));

  before(async () => {
    sim = await startSimulator({});
    dir = await tempDir();
    await writeEnvironments(dir, linkedFlags(5));
    configFile = await writeSyncConfig(dir, sim, [flagdProvider('files', dir)]);
  });
  after(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a run that sends loads the Jira client, the flagd parser and its precompiled schema, not Ajv (what the next test expects missing is seen when used)', async () => {
    const ids = await loadedBy(async (env) => {
      const { code, summary } = await runOnceJson<{ providers: { created: number }[] }>(configFile, env);
      assert.equal(code, 0);
      assert.equal(summary.providers[0]?.created, 5);
    });
    assert.deepEqual(packages(ids, ['axios', 'ajv']), ['axios'], 'Ajv only lists the errors of a file that fails');
    assert.deepEqual(own(ids, ['adapters/flagd/parse.ts', 'adapters/flagd/schema-validators.generated.ts']), [
      'adapters/flagd/parse.ts',
      'adapters/flagd/schema-validators.generated.ts',
    ]);
  });

  it('run --once on unchanged flagd files: no HTTP client, no parser, no daemon, no PostgreSQL, no text tables', async () => {
    sim.clearRequests();
    const ids = await loadedBy(async (env) => {
      const { code, summary } = await runOnceJson<{ providers: { unchanged: number }[] }>(configFile, env);
      assert.equal(code, 0);
      assert.equal(summary.providers[0]?.unchanged, 5);
    });
    assert.equal(sim.requests.length, 0, 'nothing asked of Jira');
    assert.deepEqual(packages(ids, ['axios', 'ajv', 'prom-client', 'cron-parser', 'pg', 'cli-table3', 'cli-progress']), []);
    assert.deepEqual(
      own(ids, ['adapters/flagd/parse.ts', 'src/cli/commands/run-daemon.ts', 'src/cli/commands/plan.ts', 'src/cli/commands/send.ts']),
      [],
    );
  });

  it('--version loads no command, config loader or logger', async () => {
    const ids = await loadedBy(async (env) => {
      const { code, stdout } = await runCli(['--version'], env);
      assert.equal(code, 0);
      assert.match(stdout, /^\d+\.\d+\.\d+/);
    });
    assert.deepEqual(packages(ids, ['yaml', 'pino', 'io-ts', 'axios']), []);
    assert.deepEqual(own(ids, ['src/cli/commands/run.ts', 'src/config/load.ts']), []);
  });
});
