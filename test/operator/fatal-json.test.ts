import { strict as assert } from 'node:assert';
import { rm, writeFile } from 'node:fs/promises';
import { startSimulator, type Simulator } from '../../src/simulator';
import { runCli } from '../helpers/cli';
import { linkedFlags, tempDir, writeEnvironments } from '../helpers/flagd-fixtures';
import { flagdProvider, writeSyncConfig } from '../helpers/sync-config';

interface FatalJson {
  ok: boolean;
  exitCode: number;
  error: { kind: string; message: string; details?: string[] };
}

describe('CLI: --json answers on stdout even when the command cannot run', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let dir: string;

  beforeEach(async () => {
    sim = await startSimulator({});
    dir = await tempDir();
    await writeEnvironments(dir, linkedFlags(2));
  });
  afterEach(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a config error: a JSON object with the problems and exit code 2', async () => {
    const config = await writeSyncConfig(dir, sim, [flagdProvider('shop', dir)]);
    await writeFile(config, 'jira:\n  cloudId: nope\n  clientId: x\n  clientSecret: hunter22\n');
    const result = await runCli(['run', '--once', '--json', '--config', config]);
    assert.equal(result.code, 2);
    const out = JSON.parse(result.stdout) as FatalJson;
    assert.deepEqual([out.ok, out.exitCode, out.error.kind], [false, 2, 'config']);
    assert.match([out.error.message, ...(out.error.details ?? [])].join('\n'), /jira\.cloudId: expected a UUID/);
    assert.doesNotMatch(result.stdout, /hunter22/);
    // Without --json: one line per problem, each where the file has it (file:line:column), in the file's order.
    await writeFile(config, 'providers: 3\njira:\n  cloudId: nope\n  clientId: x\n  clientSecret: hunter22\n  concurrency: 0\n');
    const plain = await runCli(['run', '--once', '--config', config]);
    assert.equal(plain.code, 2);
    const lines = plain.stderr.split('\n').filter((line) => line.startsWith('config error: '));
    assert.deepEqual(
      lines.map((line) => line.replace(/^config error: .*?:(\d+):(\d+): ([^:]+):.*$/, '$1:$2 $3')),
      ['1:1 providers', '3:3 jira.cloudId', '6:3 jira.concurrency'],
    );
  });

  it('credentials refused: a JSON object of kind auth, exit 1, no secret', async () => {
    const config = await writeSyncConfig(dir, sim, [flagdProvider('shop', dir)], { jira: { clientSecret: 'not-the-secret-42' } });
    const run = await runCli(['run', '--once', '--json', '--config', config]);
    assert.equal(run.code, 1);
    const out = JSON.parse(run.stdout) as FatalJson;
    assert.deepEqual([out.ok, out.exitCode, out.error.kind], [false, 1, 'auth']);
    assert.match(out.error.message, /refused OAuth client id/);
    assert.doesNotMatch(run.stdout + run.stderr, /not-the-secret-42/);
  });

  it('a usage error (unknown option) with --json: a JSON object, exit 2', async () => {
    const result = await runCli(['run', '--once', '--json', '--bogus']);
    assert.equal(result.code, 2);
    assert.deepEqual((JSON.parse(result.stdout) as FatalJson).error.kind, 'usage');
  });

  it('a token URL that answers 404 is called wrong, and the client id is not blamed', async () => {
    const config = await writeSyncConfig(dir, sim, [flagdProvider('shop', dir)], { jira: { tokenUrl: `${sim.url}/oauth/nothing-here` } });
    const result = await runCli(['run', '--once', '--config', config]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /answered HTTP 404.*the URL is wrong.*check jira\.tokenUrl/);
    assert.doesNotMatch(result.stderr, /refused/);
  });
});
