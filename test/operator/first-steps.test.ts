import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parse } from 'yaml';
import { startSimulator, type Simulator } from '../../src/simulator';
import { runCli } from '../helpers/cli';
import { typeOnTerminal } from '../helpers/terminal';
import { linkedFlags, tempDir, writeEnvironments } from '../helpers/flagd-fixtures';

const root = path.resolve(__dirname, '..', '..');

/** The commands of the README's "To use flagsync for real" block, without `npx tsx src/cli/main.ts`. */
function readmeSteps(): string[][] {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const block = readme.split('To use flagsync for real:')[1]!.split('```sh\n')[1]!.split('```')[0]!;
  return block
    .split('\n')
    .filter((line) => line.startsWith('npx tsx src/cli/main.ts '))
    .map((line) => line.replace(/#.*$/, '').trim().split(/\s+/).slice(3));
}

describe('CLI: first steps', function () {
  this.timeout(90_000);
  let sim: Simulator;
  let dir: string;

  beforeEach(async () => {
    sim = await startSimulator({});
    dir = await tempDir();
  });
  afterEach(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("the README's path for real works as written: init, validate --connect, plan, run --once", async () => {
    const steps = readmeSteps();
    assert.deepEqual(
      steps.map((s) => s[0]),
      ['init', 'validate', 'plan', 'run'],
    );
    const config = path.join(dir, 'flagsync.yaml');
    const [init, ...rest] = steps;
    const made = await runCli([...init!, '--output', config]);
    assert.equal(made.code, 0, made.stderr);
    // The edit the README asks for: point the provider at the flag files; and Jira is the simulator here.
    await mkdir(path.join(dir, 'flags'));
    await writeEnvironments(path.join(dir, 'flags'), linkedFlags(3));
    const text = (await readFile(config, 'utf8')).replace(
      /site: acme\.atlassian\.net/,
      `site: ${sim.url}\n  tokenUrl: ${sim.url}/oauth/token\n  apiBaseUrl: ${sim.url}`,
    );
    await writeFile(config, text);
    const env = { JIRA_CLIENT_ID: sim.clientId, JIRA_CLIENT_SECRET: sim.clientSecret };
    for (const step of rest) {
      const result = await runCli([...step, '--config', config], env);
      assert.equal(result.code, 0, `${step.join(' ')}: ${result.stdout}${result.stderr}`);
    }
    assert.equal((sim.stored('featureflags') as unknown[]).length, 3);
  });

  it("the README's smallest config that works sends the demo's linked flags (Jira pointed at the simulator)", async () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const block = readme.split('This is the smallest config that works:')[1]!.split('```yaml\n')[1]!.split('```')[0]!;
    const config = parse(block) as { jira: Record<string, unknown>; state: { path: string } };
    config.jira = { ...config.jira, cloudId: sim.cloudId, tokenUrl: `${sim.url}/oauth/token`, apiBaseUrl: sim.url };
    config.state.path = path.join(dir, 'state.json');
    // Its paths are relative to the repository, where the README's reader keeps it.
    const file = path.join(root, `.readme-config-${process.pid}.yaml`);
    await writeFile(file, JSON.stringify(config));
    try {
      const result = await runCli(['run', '--once', '--json', '--config', file], {
        JIRA_CLIENT_ID: sim.clientId,
        JIRA_CLIENT_SECRET: sim.clientSecret,
      });
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const summary = JSON.parse(result.stdout) as { providers: Array<{ created: number }> };
      assert.equal(summary.providers[0]!.created, 7, result.stdout);
    } finally {
      await rm(file, { force: true });
    }
  });

  it("a config left with init's placeholder site fails validate (exit 2) naming jira.site, instead of every run failing on DNS", async () => {
    const file = path.join(dir, 'placeholder.yaml');
    const made = await runCli(['init', '--adapter', 'flagd', '--output', file]);
    assert.equal(made.code, 0, made.stderr);
    const validated = await runCli(['validate', '--config', file], { JIRA_CLIENT_ID: 'id', JIRA_CLIENT_SECRET: 'secret' });
    assert.equal(validated.code, 2, validated.stdout);
    assert.match(
      validated.stderr,
      /config error: \S+:7:3: jira\.site: expected your Jira site's host name \(acme\.atlassian\.net\) or URL, got "your-site\.atlassian\.net"/,
    );
  });

  it("init's next steps name the source's credentials the file reads, not only Jira's", async () => {
    for (const [adapter, secret] of [
      ['unleash', 'UNLEASH_ADMIN_TOKEN'],
      ['launchdarkly', 'LD_SDK_KEY_PRODUCTION'],
    ] as const) {
      const made = await runCli(['init', '--adapter', adapter, '--output', path.join(dir, `${adapter}.yaml`)]);
      assert.equal(made.code, 0, made.stderr);
      assert.match(made.stdout, new RegExp(`^ {2}export ${secret}=\\.\\.\\. `, 'm'));
      // Run from this checkout's sources, where no `flagsync` is on the PATH: the steps say how to run it here.
      assert.match(made.stdout, /^ {2}npx tsx src\/cli\/main\.ts validate --connect --config \S+$/m);
    }
  });

  it('init writes a starter config with the JSON Schema reference on line 1, for every adapter, that loads', async () => {
    for (const adapter of ['flagd', 'unleash', 'launchdarkly', 'flipt', 'git']) {
      const file = path.join(dir, `${adapter}.yaml`);
      const result = await runCli(['init', '--adapter', adapter, '--cloud-id', sim.cloudId, '--output', file]);
      assert.equal(result.code, 0, result.stderr);
      const [first] = (await readFile(file, 'utf8')).split('\n');
      const ref = /^# yaml-language-server: \$schema=(\S+)$/.exec(first!)?.[1];
      assert.ok(ref !== undefined, first);
      assert.ok(existsSync(path.resolve(dir, ref)), `schema reference ${ref} resolves`);
      assert.deepEqual((parse(await readFile(file, 'utf8')) as { providers: Array<{ adapter: string }> }).providers[0]!.adapter, adapter);
      const env = { JIRA_CLIENT_ID: 'id', JIRA_CLIENT_SECRET: 'secret', UNLEASH_ADMIN_TOKEN: 't', LD_SDK_KEY_PRODUCTION: 'sdk-x' };
      const validated = await runCli(['validate', '--config', file], env);
      assert.equal(validated.code, 0, `${adapter}: ${validated.stdout}${validated.stderr}`);
    }
  });

  it('init keeps both --site and --cloud-id when given both (flagsync checks that they agree)', async () => {
    const file = path.join(dir, 'both.yaml');
    const result = await runCli([
      'init',
      '--adapter',
      'flagd',
      '--site',
      'acme.atlassian.net',
      '--cloud-id',
      sim.cloudId,
      '--output',
      file,
    ]);
    assert.equal(result.code, 0, result.stderr);
    const { jira } = parse(await readFile(file, 'utf8')) as { jira: Record<string, unknown> };
    assert.deepEqual([jira['site'], jira['cloudId']], ['acme.atlassian.net', sim.cloudId]);
  });

  it('init refuses a site or cloud id config load would refuse, and says to set the site when none was given', async () => {
    const bare = await runCli(['init', '--adapter', 'flagd', '--site', 'acme', '--output', path.join(dir, 'bare.yaml')]);
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /--site: expected your Jira site's host name \(acme\.atlassian\.net\) or URL, got "acme"/);
    const placeholder = await runCli([
      'init',
      '--adapter',
      'flagd',
      '--site',
      'your-site.atlassian.net',
      '--output',
      path.join(dir, 'p.yaml'),
    ]);
    assert.equal(placeholder.code, 2);
    const cloudId = await runCli(['init', '--adapter', 'flagd', '--cloud-id', 'nope', '--output', path.join(dir, 'c.yaml')]);
    assert.equal(cloudId.code, 2);
    assert.match(cloudId.stderr, /--cloud-id: expected a UUID, got "nope"/);
    assert.ok(!existsSync(path.join(dir, 'bare.yaml')) && !existsSync(path.join(dir, 'c.yaml')), 'nothing written');
    const none = await runCli(['init', '--adapter', 'flagd', '--output', path.join(dir, 'none.yaml')]);
    assert.equal(none.code, 0, none.stderr);
    assert.match(
      none.stdout,
      /^ {2}set jira\.site in \S+none\.yaml \(it holds the placeholder your-site\.atlassian\.net; or run init with --site\)$/m,
    );
    const site = await runCli(['init', '--adapter', 'flagd', '--site', 'acme.atlassian.net', '--output', path.join(dir, 'site.yaml')]);
    assert.doesNotMatch(site.stdout, /set jira\.site/);
  });

  it('init on a terminal asks for the site, and asks again for one config load would refuse', async () => {
    const file = path.join(dir, 'asked.yaml');
    const session = typeOnTerminal(['init', '--adapter', 'flagd', '--output', file]);
    await session.answer(/Your Jira site/, 'acme');
    // Refused; the answer stays, to be completed.
    await session.answer(/a host name such as acme\.atlassian\.net/, '.atlassian.net');
    const { code, output } = await session.done;
    assert.equal(code, 0, output);
    assert.equal((parse(await readFile(file, 'utf8')) as { jira: { site: string } }).jira.site, 'acme.atlassian.net');
  });

  it('init never overwrites a file without --force, and wants --adapter when it cannot ask', async () => {
    const file = path.join(dir, 'flagsync.yaml');
    await writeFile(file, 'mine\n');
    const refused = await runCli(['init', '--adapter', 'flagd', '--output', file]);
    assert.equal(refused.code, 2);
    assert.equal(await readFile(file, 'utf8'), 'mine\n');
    const noAdapter = await runCli(['init', '--output', path.join(dir, 'other.yaml')]);
    assert.equal(noAdapter.code, 2);
    assert.match(noAdapter.stderr, /--adapter is required/);
  });

  it('the repository has a LICENSE (Apache-2.0, as package.json says) and a CHANGELOG', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { license: string };
    assert.equal(pkg.license, 'Apache-2.0');
    assert.match(readFileSync(path.join(root, 'LICENSE'), 'utf8'), /Apache License\s+Version 2\.0, January 2004/);
    assert.match(readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8'), /^# Changelog/m);
  });
});
