import { strict as assert } from 'node:assert';
import { existsSync, readdirSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { startSimulator, type Simulator } from '../../src/simulator';
import { runCli, sendBuildArgs } from '../helpers/cli';
import { linkedFlags, tempDir, writeEnvironments } from '../helpers/flagd-fixtures';
import { flagdProvider, writeSyncConfig } from '../helpers/sync-config';

describe('CLI: config checks users expect', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let dir: string;
  let config: string;

  beforeEach(async () => {
    sim = await startSimulator({});
    dir = await tempDir();
    await writeEnvironments(dir, linkedFlags(4));
    config = await writeSyncConfig(dir, sim, [flagdProvider('shop', dir)], { jira: { clientSecret: '${env:TEST_JIRA_SECRET}' } });
  });
  afterEach(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  const env = () => ({ TEST_JIRA_SECRET: sim.clientSecret });

  it('a YAML syntax error: its first problem only, as file:line:column', async () => {
    const text = await readFile(config, 'utf8');
    await writeFile(config, text.replace('  clientId:', '\tclientId:'));
    const result = await runCli(['validate', '--config', config], env());
    assert.equal(result.code, 2);
    const lines = result.stderr.split('\n').filter((l) => l !== '');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, new RegExp(`^config error: ${config.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+:\\d+: YAML syntax: `));
  });

  it('validate stays offline; validate --connect reads each source and obtains a token and the cloud id', async () => {
    const offline = await runCli(['validate', '--config', config], env());
    assert.equal(offline.code, 0, offline.stderr);
    assert.equal(sim.requests.length, 0);
    const online = await runCli(['validate', '--connect', '--config', config], env());
    assert.equal(online.code, 0, online.stdout + online.stderr);
    assert.match(online.stdout, /^ok: provider shop: 4 flags read in \d+\.\d s$/m);
    assert.match(
      online.stdout,
      new RegExp(
        `^ok: jira: token obtained from \\S+; cloud id ${sim.cloudId} \\(as configured: set jira\\.site too to have it checked\\); may read featureflags$`,
        'm',
      ),
    );
    assert.ok(sim.requests.some((r) => r.path === '/oauth/token'));
  });

  it('validate --connect fails (exit 1) for a credential without the permission the providers need, naming it', async () => {
    const narrow = await startSimulator({ permissions: ['builds', 'deployments', 'devinfo'] });
    try {
      const limited = await writeSyncConfig(dir, narrow, [flagdProvider('shop', dir)]);
      const result = await runCli(['validate', '--connect', '--config', limited], env());
      assert.equal(result.code, 1, result.stdout + result.stderr);
      assert.match(
        result.stdout,
        /^FAILED: jira: Jira answered 403 to GET \S+: the OAuth credential lacks the "Feature flags" permission/m,
      );
    } finally {
      await narrow.close();
    }
  });

  it('validate --connect reports each failed check and exits 1', async () => {
    await rm(`${dir}/staging.flagd.json`);
    const result = await runCli(['validate', '--connect', '--json', '--config', config], { TEST_JIRA_SECRET: 'wrong-secret-1234' });
    assert.equal(result.code, 1);
    const out = JSON.parse(result.stdout) as { ok: boolean; checks: Array<{ check: string; ok: boolean; detail: string }> };
    assert.deepEqual(
      out.checks.map((c) => [c.check, c.ok]),
      [
        ['provider shop', false],
        ['jira', false],
      ],
    );
    assert.match(out.checks[1]!.detail, /refused OAuth client id/);
    assert.doesNotMatch(result.stdout, /wrong-secret-1234/);
  });

  it('a secret written in the file itself gets a warning (a reference does not)', async () => {
    assert.doesNotMatch((await runCli(['validate', '--config', config], env())).stdout, /warning/);
    const literal = await writeSyncConfig(dir, sim, [flagdProvider('shop', dir)]);
    const result = await runCli(['validate', '--config', literal]);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^warning: jira\.clientSecret: a secret written in the config file itself; .*\$\{env:NAME\}/m);
    assert.doesNotMatch(result.stdout, new RegExp(sim.clientSecret));
  });

  it('a URL with credentials written in the file gets a warning, and no error quotes its password', async () => {
    const withPassword = sim.url.replace('http://', 'http://tokuser:TokUrlPw77@');
    const literal = await writeSyncConfig(dir, sim, [flagdProvider('shop', dir)], {
      jira: { clientSecret: '${env:TEST_JIRA_SECRET}', tokenUrl: `${withPassword.replace(/:\d+$/, ':9')}/oauth/token` },
    });
    const result = await runCli(['validate', '--connect', '--config', literal], env());
    assert.match(result.stdout, /^warning: jira\.tokenUrl: a URL with credentials written in the config file itself/m);
    assert.doesNotMatch(result.stdout + result.stderr, /TokUrlPw77/);
  });

  it('site and cloudId together: a config error (exit 2) unless they agree', async () => {
    const disagree = await writeSyncConfig(dir, sim, [flagdProvider('shop', dir)], {
      jira: { site: sim.url, cloudId: '99999999-8888-7777-6666-555555555555' },
    });
    const result = await runCli(['run', '--once', '--config', disagree]);
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /^config error: jira\.site \S+ has cloud id \S+, but jira\.cloudId is 99999999-8888-7777-6666-555555555555/m,
    );
    const json = JSON.parse((await runCli(['run', '--once', '--json', '--config', disagree])).stdout) as {
      exitCode: number;
      error: { kind: string };
    };
    assert.deepEqual([json.exitCode, json.error.kind], [2, 'config']);
    // The same from validate --connect and send, which never spools what no later try could deliver.
    const validated = await runCli(['validate', '--connect', '--config', disagree]);
    assert.equal(validated.code, 2);
    assert.match(validated.stdout, /^config error: jira: jira\.site \S+ has cloud id/m);
    const spool = path.join(dir, 'spool');
    const sent = await runCli([...sendBuildArgs(disagree), '--spool', spool, '--no-ci']);
    assert.equal(sent.code, 2, sent.stdout + sent.stderr);
    assert.match(sent.stderr, /^config error: jira\.site \S+ has cloud id/m);
    assert.ok(!existsSync(spool) || readdirSync(spool).filter((f) => f.endsWith('.event.json')).length === 0, 'nothing spooled');
    assert.equal(sim.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/bulk')).length, 0);
    const agree = await writeSyncConfig(dir, sim, [flagdProvider('shop', dir)], { jira: { site: sim.url, cloudId: sim.cloudId } });
    // An event spooled while Jira was down is not drained under the contradiction either: exit 2, it stays.
    sim.injectFault({ type: 'status', status: 503, path: '/builds/', times: 20 });
    const spooled = await runCli([...sendBuildArgs(agree, '8'), '--spool', spool, '--no-ci']);
    assert.equal(spooled.code, 0, spooled.stdout + spooled.stderr);
    sim.clearFaults();
    // writeSyncConfig wrote `agree` over the same file: the contradiction again, in a file of its own.
    const conflict = path.join(dir, 'conflict.yaml');
    await writeFile(conflict, (await readFile(agree, 'utf8')).replace(sim.cloudId, '99999999-8888-7777-6666-555555555555'));
    const drained = await runCli(['send', 'drain', '--config', conflict, '--spool', spool]);
    assert.equal(drained.code, 2, drained.stdout + drained.stderr);
    assert.match(drained.stderr, /^config error: jira\.site \S+ has cloud id/m);
    assert.equal(readdirSync(spool).filter((f) => f.endsWith('.event.json')).length, 1, 'still spooled');
    assert.equal((await runCli(['run', '--once', '--config', agree])).code, 0);
  });
});
