import { strict as assert } from 'node:assert';
import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import { startSimulator, type Simulator } from '../../src/simulator';
import { runCli, startCli } from '../helpers/cli';
import { linkedFlags, tempDir, writeEnvironments } from '../helpers/flagd-fixtures';
import { flagdProvider, writeSyncConfig } from '../helpers/sync-config';
import { COLOUR, runOnTerminal } from '../helpers/terminal';

describe('CLI: terminal manners and progress', function () {
  this.timeout(90_000);
  let sim: Simulator;
  let dir: string;
  let config: string;

  beforeEach(async () => {
    sim = await startSimulator({});
    dir = await tempDir();
    await writeEnvironments(dir, [...linkedFlags(250), { key: 'no-issue-key' }]);
    config = await writeSyncConfig(dir, sim, [flagdProvider('shop', dir)]);
  });
  afterEach(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('on a terminal: each provider read, then entities sent / total with a rate; pretty log with ISO time and level names', async () => {
    const { code, output } = await runOnTerminal(['run', '--once', '--log-level', 'debug', '--config', config]);
    assert.equal(code, 0, output);
    assert.match(output, /reading shop: 251 read \(\d+\.\d s\)/);
    assert.match(output, /sending featureflags \[.*\] 250\/250 \| \d+\/s/);
    assert.match(output, /\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\] (\x1b\[\d+m)?DEBUG/);
    assert.match(output, COLOUR);
    // The summary table says how the run went: not a second time as a log entry.
    assert.doesNotMatch(output, /run finished/);
    assert.match(output, /│ shop +│ ok +│ 251/);
  });

  it('not on a terminal: no progress, every stderr line is a JSON log entry', async () => {
    const result = await runCli(['run', '--once', '--config', config]);
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /reading shop|sending featureflags/);
    for (const line of result.stderr.split('\n').filter((l) => l !== '')) assert.doesNotThrow(() => JSON.parse(line), line);
  });

  it('--quiet on a terminal: no progress and no info lines', async () => {
    const { code, output } = await runOnTerminal(['run', '--once', '--quiet', '--config', config]);
    assert.equal(code, 0, output);
    assert.doesNotMatch(output, /reading shop|sending featureflags|INFO/);
    assert.match(output, /│ shop +│ ok +│ 251/);
  });

  it('NO_COLOR and --no-color: no colours', async () => {
    const withEnv = await runOnTerminal(['run', '--once', '--log-level', 'debug', '--config', config], { NO_COLOR: '1' });
    assert.match(withEnv.output, /DEBUG/);
    assert.doesNotMatch(withEnv.output, COLOUR);
    const withFlag = await runOnTerminal(['plan', '--no-color', '--log-level', 'debug', '--config', config]);
    assert.match(withFlag.output, /DEBUG/);
    assert.doesNotMatch(withFlag.output, COLOUR);
  });

  it('output piped into a reader that stops early (`| head`): no stack trace, exit 0', async () => {
    const { child, done } = startCli(['demo']);
    // Reads the first chunk, then closes the pipe, as `head -1` does.
    child.stdout!.once('data', () => child.stdout!.destroy());
    const result = await done;
    assert.doesNotMatch(result.stderr, /fatal|EPIPE/);
    assert.equal(result.code, 0, result.stderr);
  });

  it('a failure is printed once on a terminal (in the summary, not again in the log)', async () => {
    await rm(path.join(dir, 'staging.flagd.json'));
    const { code, output } = await runOnTerminal(['run', '--once', '--config', config]);
    assert.equal(code, 1);
    assert.equal(output.split('staging.flagd.json').length - 1, 1, output);
    assert.match(output, /shop: source failed, nothing sent and nothing deleted: .*staging\.flagd\.json/);
  });

  it('no key appears twice in a log line (a child logger’s provider given again)', async () => {
    const result = await runCli(['run', '--once', '--log-level', 'debug', '--config', config]);
    const lines = result.stderr.split('\n').filter((l) => l !== '');
    assert.ok(
      lines.some((l) => l.includes('read flagd file')),
      'the flagd adapter logs its reads with the provider',
    );
    for (const line of lines) {
      const keys = [...line.matchAll(/"(provider|component)":/g)].map((m) => m[1]);
      assert.equal(new Set(keys).size, keys.length, line);
    }
  });
});
