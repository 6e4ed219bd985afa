import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { stringify } from 'yaml';
import type { FixtureServer } from '../../src/kit/testing';
import { FLIPT_TOKEN, startFliptApi } from '../contract/sources/flipt-api';
import { runCli } from '../helpers/cli';

/** `flagsync adapter new` and `flagsync adapter check` as real processes. */
const repoRoot = path.resolve(__dirname, '..', '..');

const jira = { cloudId: '6f8e2c1a-3b4d-4e5f-8a9b-0c1d2e3f4a5b', clientId: 'kit-client', clientSecret: 'kit-client-secret-value' };

async function writeConfig(dir: string, providers: unknown[]): Promise<string> {
  const file = path.join(dir, 'flagsync.yaml');
  await writeFile(file, stringify({ jira, state: { path: './state.json' }, providers }));
  return file;
}

function fliptProvider(api: FixtureServer) {
  return {
    name: 'shop',
    adapter: 'flipt',
    url: api.url,
    token: FLIPT_TOKEN,
    environments: [{ name: 'production', namespace: 'prod', type: 'production' }, { name: 'staging' }],
  };
}

describe('flagsync adapter commands', function () {
  this.timeout(60_000);
  let dir: string;

  beforeEach(async () => {
    // Inside the repository, so scaffolded TypeScript resolves flagsync and io-ts.
    dir = await mkdtemp(path.join(repoRoot, 'test', 'kit', '.tmp-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('adapter new scaffolds an adapter that passes its own contract test', async () => {
    const target = path.join(dir, 'acme-flags');
    const created = await runCli(['adapter', 'new', 'acme-flags', '--dir', target]);
    assert.equal(created.code, 0, created.stderr);
    const tested = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        [path.join(repoRoot, 'node_modules', 'mocha', 'bin', 'mocha.js'), '--no-color', `${target}/test/**/*.test.ts`],
        { cwd: repoRoot },
        (error, stdout) => resolve({ code: error === null ? 0 : (child.exitCode ?? 1), out: stdout }),
      );
    });
    assert.equal(tested.code, 0, tested.out);
    assert.match(tested.out, /14 passing/);
    assert.match(tested.out, /✔ lists a flag with malformed data in skipped/);
  });

  it('adapter new refuses a name that is not lower-case words (exit 2)', async () => {
    const result = await runCli(['adapter', 'new', 'Acme_Flags', '--dir', path.join(dir, 'x')]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /expected lower-case words joined by "-"/);
  });

  it('adapter new refuses a folder that is not empty (exit 2)', async () => {
    await writeFile(path.join(dir, 'keep.txt'), 'x');
    const result = await runCli(['adapter', 'new', 'acme', '--dir', dir]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /already exists and is not empty/);
  });

  describe('adapter check', () => {
    let api: FixtureServer;
    beforeEach(async () => {
      api = await startFliptApi();
    });
    afterEach(() => api.close());

    it('prints the normalized flags, the Jira flags with their issue keys, and the unlinked ones', async () => {
      const config = await writeConfig(dir, [fliptProvider(api)]);
      const result = await runCli(['adapter', 'check', '--config', config]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /provider "shop" \(adapter flipt 2\.0\.0, contract v2\)/);
      // Each environment's state with its rollout, as Jira would show it.
      assert.match(
        result.stdout,
        /shop:search-ranking → WEB-7: production\[production\]=on \("everyone gets bm25"\) staging\[staging\]=on/,
      );
      assert.match(result.stdout, /shop:new-checkout → PROJ-12: production\[production\]=on staging\[staging\]=on/);
      assert.match(result.stdout, /Unlinked \(no issue key, not sent\): dark-mode/);
      assert.match(result.stdout, /check passed/);
    });

    it('exits 1 with the error when the source is down', async () => {
      const config = await writeConfig(dir, [fliptProvider(api)]);
      api.fail(503);
      const result = await runCli(['adapter', 'check', '--config', config, '--json']);
      assert.equal(result.code, 1);
      const report = JSON.parse(result.stdout) as { ok: boolean; error: string };
      assert.equal(report.ok, false);
      assert.match(report.error, /answered 503/);
    });

    it("reports a bad adapter's output by field and exits 1 (--json)", async () => {
      await writeFile(
        path.join(dir, 'bad.js'),
        `const identity = { decode: (u) => ({ _tag: 'Right', right: u }) };
module.exports = { name: 'bad', version: '0.0.1', contractVersion: 1, optionsCodec: identity,
  create: (o, ctx) => ({ environments: ['production'], snapshot: async () => ({ flags: [
    { provider: ctx.providerName, key: 'PROJ-1-x', tags: [], issueKeys: [], environments: [{ name: 'production', enabled: 'yes' }] } ] }) }) };`,
      );
      const config = await writeConfig(dir, [{ name: 'inhouse', adapter: './bad.js', environments: [{ name: 'production' }] }]);
      const result = await runCli(['adapter', 'check', '--config', config, '--json']);
      assert.equal(result.code, 1, result.stderr);
      const report = JSON.parse(result.stdout) as { problems: string[] };
      assert.deepEqual(report.problems, ['flags[0].environments[0].enabled: expected boolean']);
    });

    it('needs no jira section (it never talks to Jira); a run of the same file still does', async () => {
      await writeFile(
        path.join(dir, 'plain.js'),
        `const identity = { decode: (u) => ({ _tag: 'Right', right: u }) };
module.exports = { name: 'plain', version: '0.0.1', contractVersion: 2, produces: 'flags', optionsCodec: identity,
  create: (o, ctx) => ({ environments: ['production'], snapshot: async () => ({ flags: [{ provider: ctx.providerName, key: 'PROJ-1-x',
    tags: [], issueKeys: [], environments: [{ name: 'production', enabled: true, url: 'https://flags.example/x' }] }] }) }) };`,
      );
      const config = path.join(dir, 'providers-only.yaml');
      await writeFile(config, stringify({ providers: [{ name: 'acme', adapter: './plain.js', environments: [{ name: 'production' }] }] }));
      const checked = await runCli(['adapter', 'check', '--config', config]);
      assert.equal(checked.code, 0, checked.stderr);
      assert.match(checked.stdout, /acme:PROJ-1-x → PROJ-1/);
      const run = await runCli(['run', '--once', '--config', config]);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /config error: \S+:1:1: jira: /);
    });

    describe('an adapter that breaks the contract in the way the check exists to catch: a report, never a crash', () => {
      const adapterFile = (create: string) => `const identity = { decode: (u) => ({ _tag: 'Right', right: u }) };
module.exports = { name: 'bad', version: '0.0.1', contractVersion: 2, produces: 'flags', optionsCodec: identity, create: (o, ctx) => { ${create} } };`;
      const goodFlag = `{ provider: ctx.providerName, key: 'PROJ-1-x', tags: [], issueKeys: [], environments: [{ name: 'production', enabled: true, url: 'https://flags.example/x' }] }`;
      const check = async (create: string, ...args: string[]) => {
        await writeFile(path.join(dir, 'bad.js'), adapterFile(create));
        const config = await writeConfig(dir, [{ name: 'inhouse', adapter: './bad.js', environments: [{ name: 'production' }] }]);
        return runCli(['adapter', 'check', '--config', config, ...args]);
      };

      it('flags without tags, issue keys or environments: the problems by field', async () => {
        const result = await check(
          `return { environments: ['production'], snapshot: async () => ({ flags: [{ provider: ctx.providerName, key: 'k' }] }) };`,
        );
        assert.equal(result.code, 1, result.stderr);
        assert.match(result.stdout, /Problems:\n {2}flags\[0\]\.tags: expected/);
        assert.match(result.stdout, /check FAILED/);
      });

      it('create() that returns nothing, or throws: named as the failure', async () => {
        const none = await check('return undefined;');
        assert.equal(none.code, 1, none.stderr);
        assert.match(
          none.stdout,
          /snapshot FAILED after 0 ms: the adapter could not be set up: create\(\) returned undefined, not a source/,
        );
        const thrown = await check(`throw new Error('no vault token');`);
        assert.match(thrown.stdout, /the adapter could not be set up: no vault token/);
      });

      it('a source without environments, or whose environments getter throws: named', async () => {
        const result = await check(`return { snapshot: async () => ({ flags: [${goodFlag}] }) };`);
        assert.equal(result.code, 1, result.stderr);
        assert.match(result.stdout, /environments: expected the list of environment names the adapter reads/);
        const thrown = await check(
          `return { get environments() { throw new Error('env boom'); }, snapshot: async () => ({ flags: [${goodFlag}] }) };`,
        );
        assert.equal(thrown.code, 1, thrown.stderr);
        assert.match(thrown.stdout, /environments: expected the list of environment names the adapter reads/);
      });

      it('a close that throws or never settles: a problem after the report, not a lost report or a silent pass', async () => {
        const thrown = await check(
          `return { environments: ['production'], snapshot: async () => ({ flags: [${goodFlag}] }), close: async () => { throw new Error('close boom'); } };`,
        );
        assert.equal(thrown.code, 1, thrown.stderr);
        assert.match(thrown.stdout, /Jira feature flags \(not sent\):\n {2}inhouse:PROJ-1-x/);
        assert.match(thrown.stdout, /close\(\): failed: close boom/);
        const hung = await check(
          `return { environments: ['production'], snapshot: async () => ({ flags: [${goodFlag}] }), close: () => new Promise(() => {}) };`,
          '--json',
        );
        assert.equal(hung.code, 1, hung.stderr);
        assert.match((JSON.parse(hung.stdout) as { problems: string[] }).problems.join('\n'), /close\(\): did not settle within 10000 ms/);
      });
    });

    // A JavaScript adapter serving a fixed snapshot, so each test controls exactly what the check sees.
    async function snapshotAdapter(file: string, snapshot: string): Promise<void> {
      await writeFile(
        path.join(dir, file),
        `const identity = { decode: (u) => ({ _tag: 'Right', right: u }) };
const env = (name, enabled, extra) => ({ name, enabled, url: 'https://flags.example/' + name, ...extra });
module.exports = { name: 'acme', version: '0.3.0', contractVersion: 1, optionsCodec: identity,
  create: (o, ctx) => ({ environments: ['production'], snapshot: async () => (${snapshot}) }) };`,
      );
    }

    it('lists skipped flags with reasons, every warning and the unlinked flags of a sound adapter (exit 0)', async () => {
      await snapshotAdapter(
        'acme.js',
        `{ flags: [
  { provider: ctx.providerName, key: 'PROJ-1-checkout', tags: [], issueKeys: [], environments: [env('production', true, { rollout: { percentage: 140 } })] },
  { provider: ctx.providerName, key: 'dark-mode', tags: [], issueKeys: [], environments: [env('production', false)] },
  { provider: ctx.providerName, key: 'PROJ-2-empty', tags: [], issueKeys: [], environments: [] } ],
  skipped: [{ key: 'PROJ-3-broken', reason: 'environments.production.enabled: expected boolean' }] }`,
      );
      const config = await writeConfig(dir, [{ name: 'acme', adapter: './acme.js', environments: [{ name: 'production' }] }]);
      const result = await runCli(['adapter', 'check', '--config', config, '--provider', 'acme']);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const section = (title: string) => result.stdout.split('\n\n').find((block) => block.startsWith(title));
      assert.equal(
        section('Skipped'),
        [
          'Skipped (not sent, and not deleted in Jira for that):',
          "  PROJ-3-broken: the source's data could not be used: environments.production.enabled: expected boolean",
          '  PROJ-2-empty: no environments',
        ].join('\n'),
      );
      assert.equal(
        section('Warnings'),
        [
          'Warnings:',
          "  flag acme:PROJ-3-broken: skipped, the source's data could not be used: environments.production.enabled: expected boolean",
          '  flag acme:PROJ-1-checkout: environment production: rollout percentage 140 is outside 0..100, left out',
          '  flag acme:PROJ-2-empty: skipped: no environments',
        ].join('\n'),
      );
      assert.equal(section('Unlinked'), 'Unlinked (no issue key, not sent): dark-mode');
      assert.match(result.stdout, /\ncheck passed\n$/);
    });

    it('fails the contract check (exit 1) for a flag both read and skipped, and environments other than configured', async () => {
      await snapshotAdapter(
        'twice.js',
        `{ flags: [{ provider: ctx.providerName, key: 'PROJ-1-x', tags: [], issueKeys: [], environments: [env('production', true)] }],
  skipped: [{ key: 'PROJ-1-x', reason: 'bad' }] }`,
      );
      const config = await writeConfig(dir, [
        { name: 'acme', adapter: './twice.js', environments: [{ name: 'production' }, { name: 'staging' }] },
      ]);
      const result = await runCli(['adapter', 'check', '--config', config, '--provider', 'acme', '--json']);
      assert.equal(result.code, 1, result.stderr);
      const report = JSON.parse(result.stdout) as { ok: boolean; problems: string[] };
      assert.equal(report.ok, false);
      assert.deepEqual(report.problems, [
        'environments: the adapter does not list the configured "staging"',
        'skipped[0].key: "PROJ-1-x" is also in flags (a flag is either read or skipped)',
      ]);
    });

    it('fails (exit 1) for flags that never reach Jira for want of a link, naming what to give', async () => {
      await snapshotAdapter(
        'nolink.js',
        `{ flags: [{ provider: ctx.providerName, key: 'PROJ-1-x', tags: [], issueKeys: [], environments: [env('production', true, { url: undefined })] }] }`,
      );
      const config = await writeConfig(dir, [{ name: 'acme', adapter: './nolink.js', environments: [{ name: 'production' }] }]);
      const result = await runCli(['adapter', 'check', '--config', config, '--provider', 'acme', '--json']);
      assert.equal(result.code, 1, result.stderr);
      assert.deepEqual((JSON.parse(result.stdout) as { problems: string[] }).problems, [
        "Jira flag acme:PROJ-1-x: never sent: environment production has no link for people (an http(s) URL, which Jira requires): the adapter gives the flag's or the environment's url (flagd: configure urlTemplate; see the adapter's README)",
      ]);
    });

    it('asks for --provider when the config has several (exit 2)', async () => {
      const config = await writeConfig(dir, [fliptProvider(api), { ...fliptProvider(api), name: 'other' }]);
      const result = await runCli(['adapter', 'check', '--config', config]);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /choose one with --provider \(providers: shop, other\)/);
    });
  });

  describe('external adapters in config', () => {
    it('refuses a module without an AdapterFactory as a config error (exit 2)', async () => {
      await mkdir(path.join(dir, 'adapters', 'foo'), { recursive: true });
      await writeFile(
        path.join(dir, 'adapters', 'foo', 'index.js'),
        `exports.adapter = { name: 'foo', version: '1', contractVersion: 1, create() {} };`,
      );
      const config = await writeConfig(dir, [
        { name: 'foo', adapter: './adapters/foo', environments: [{ name: 'production' }] },
        { name: 'gone', adapter: './adapters/missing', environments: [{ name: 'production' }] },
      ]);
      const result = await runCli(['validate', '--config', config]);
      assert.equal(result.code, 2);
      // Every provider's problem is listed, each with its path.
      assert.match(
        result.stderr,
        /config error: \S+:9:5: providers\[0\]\.adapter: adapter \.\/adapters\/foo: module does not export an AdapterFactory \(missing optionsCodec\)/,
      );
      assert.match(result.stderr, /config error: \S+:13:5: providers\[1\]\.adapter: .*\.\/adapters\/missing/);
    });

    it('loads a scaffolded TypeScript adapter by path relative to the config file', async () => {
      await runCli(['adapter', 'new', 'inhouse', '--dir', path.join(dir, 'adapters', 'inhouse')]);
      const config = await writeConfig(dir, [
        { name: 'mine', adapter: './adapters/inhouse', url: 'http://127.0.0.1:9', environments: [{ name: 'production' }] },
      ]);
      const result = await runCli(['validate', '--config', config]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /mine \(\.\/adapters\/inhouse\)/);
    });
  });
});
