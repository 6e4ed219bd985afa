import { strict as assert } from 'node:assert';
import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import { startSimulator, type Simulator } from '../../src/simulator';
import { runCli } from '../helpers/cli';
import { linkedFlags, tempDir, writeEnvironments } from '../helpers/flagd-fixtures';
import { flagdProvider, writeSyncConfig } from '../helpers/sync-config';

/** JSON log lines of a run's stderr. */
const logLines = (stderr: string): Array<{ level: number; msg: string }> =>
  stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level: number; msg: string });

describe('configuration from the environment and --config before the command', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let dir: string;
  let config: string;

  beforeEach(async () => {
    sim = await startSimulator({});
    dir = await tempDir();
    await writeEnvironments(dir, linkedFlags(3));
    config = await writeSyncConfig(dir, sim, [flagdProvider('files', dir)]);
  });
  afterEach(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts --config before the command', async () => {
    const result = await runCli(['--config', config, 'validate']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`config OK: ${config.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('reads the config path from FLAGSYNC_CONFIG; --config wins over it', async () => {
    const fromEnv = await runCli(['validate'], { FLAGSYNC_CONFIG: config });
    assert.equal(fromEnv.code, 0, fromEnv.stderr);
    assert.match(fromEnv.stdout, /config OK: .*flagsync\.yaml/);
    const missing = path.join(dir, 'nowhere.yaml');
    const overridden = await runCli(['validate', '--config', missing], { FLAGSYNC_CONFIG: config });
    assert.equal(overridden.code, 2);
    assert.match(overridden.stderr, /cannot read the config file .*nowhere\.yaml/);
  });

  it('FLAGSYNC_LOG_LEVEL sets the level; --log-level (before or after the command) wins', async () => {
    const debug = await runCli(['plan', '--config', config], { FLAGSYNC_LOG_LEVEL: 'debug' });
    assert.equal(debug.code, 0, debug.stderr);
    assert.ok(
      logLines(debug.stderr).some((l) => l.level === 20),
      'debug lines with FLAGSYNC_LOG_LEVEL=debug',
    );
    const quiet = await runCli(['--log-level', 'error', 'plan', '--config', config], { FLAGSYNC_LOG_LEVEL: 'debug' });
    assert.equal(quiet.code, 0, quiet.stderr);
    assert.deepEqual(logLines(quiet.stderr), []);
    // --quiet on the command line also wins over the environment: warnings and errors only.
    const hushed = await runCli(['plan', '--quiet', '--config', config], { FLAGSYNC_LOG_LEVEL: 'debug' });
    assert.equal(hushed.code, 0, hushed.stderr);
    assert.deepEqual(
      logLines(hushed.stderr).filter((l) => l.level < 40),
      [],
    );
  });

  it('a FLAGSYNC_LOG_LEVEL that is no level is a usage error', async () => {
    const result = await runCli(['validate', '--config', config], { FLAGSYNC_LOG_LEVEL: 'loud' });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /FLAGSYNC_LOG_LEVEL: expected one of trace, debug, info, warn, error, fatal, silent, got "loud"/);
  });

  it('a failed run is logged at error level with its reason', async () => {
    await rm(path.join(dir, 'staging.flagd.json'));
    const result = await runCli(['run', '--once', '--config', config]);
    assert.equal(result.code, 1);
    const failed = logLines(result.stderr).find((l) => l.msg === 'run failed') as { level: number; reason?: string } | undefined;
    assert.equal(failed?.level, 50);
    assert.match(failed?.reason ?? '', /^files: .*staging\.flagd\.json/);
  });
});
