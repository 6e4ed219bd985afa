import * as assert from 'node:assert/strict';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { startFixtureServer, type FixtureServer } from '../../src/kit/testing';
import {
  checkoutVersion,
  cleanNpmEnv,
  flagsyncBin,
  installPackedFlagsync,
  mustRun,
  run,
  tempDir,
  type CommandResult,
} from '../helpers/packed';

/**
 * A platform team's path, end to end, in temporary folders outside the repository: install flagsync from the packed
 * tarball (production dependencies only), scaffold an adapter package, `npm install && npm test` it against the
 * installed flagsync, load it with the installed CLI by path and by package name, and check a provider with it.
 * No build step for the adapter; npm reads the cache first (see test/helpers/packed.ts).
 */
const TOKEN = 'e2e-token-not-a-secret';

const flags = [
  { key: 'PROJ-1-new-checkout', name: 'New checkout', environments: { production: { enabled: true, rolloutPercentage: 25 } } },
  { key: 'dark-mode', tags: ['ui'], environments: { production: { enabled: false } } },
  // Malformed (enabled is not a boolean): the scaffolded adapter lists it in skipped, with the codec's reason.
  { key: 'PROJ-3-broken', environments: { production: { enabled: 'yes' } } },
];

describe('flagsync from the packed tarball: adapter authoring outside the repository', function () {
  // Packing builds with tsc and two npm installs run; on a loaded 2-core machine that takes minutes, not seconds.
  this.timeout(600_000);
  let project: string;
  let adapterDir: string;
  let api: FixtureServer;
  const flagsync = (args: string[], cwd = project, env: NodeJS.ProcessEnv = {}): Promise<CommandResult> =>
    run(flagsyncBin(project), args, cwd, cleanNpmEnv(env));

  async function writeConfig(dir: string, adapter: string, extra: Record<string, unknown> = {}): Promise<string> {
    const file = path.join(dir, 'c.yaml');
    await writeFile(
      file,
      stringify({
        jira: { cloudId: '6f8e2c1a-3b4d-4e5f-8a9b-0c1d2e3f4a5b', clientId: 'e2e-client', clientSecret: 'e2e-client-secret' },
        state: { path: './state.json' },
        providers: [
          { name: 'acme', adapter, url: api.url, token: TOKEN, environments: [{ name: 'production', type: 'production' }], ...extra },
        ],
      }),
    );
    return file;
  }

  before(async () => {
    api = await startFixtureServer((req) => {
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return { status: 401, body: { error: 'unauthorized' } };
      return req.path === '/api/flags' ? { body: { flags } } : undefined;
    });
    project = await installPackedFlagsync();
    adapterDir = path.join(project, 'adapters', 'acme-flags');
  });
  after(() => api?.close());

  it('1. installs with production dependencies only: a working bin, and the kit as the package entry', async () => {
    const version = await flagsync(['--version']);
    assert.equal(version.code, 0, version.stderr);
    assert.equal(version.stdout.trim(), await checkoutVersion());
    for (const dev of ['mocha', 'typescript', 'eslint', 'sinon']) {
      assert.equal((await run('node', ['-e', `require.resolve(${JSON.stringify(dev)})`], project)).code, 1, `${dev} is installed`);
    }
    const entry = await run(
      'node',
      ['-e', `const k = require('flagsync'); console.log(typeof k.runAdapterContract, typeof k.decodeOrThrow, k.ADAPTER_CONTRACT_VERSION)`],
      project,
    );
    assert.equal(entry.stdout.trim(), 'function function 2', entry.stderr);
    // The built-in flagd adapter, the Jira simulator with its schemas and the demo config all ship in the package.
    const demo = await flagsync(['demo']);
    assert.equal(demo.code, 0, demo.stderr);
    assert.match(demo.stdout, /Second run with nothing changed: 0 write requests sent/);
    // Installed in a project, not on the PATH: the next step is run through npx, from the project.
    assert.match(demo.stdout, /Next: `npx flagsync init --adapter /);
    // The exports map keeps the host's modules out of reach.
    const internal = await run('node', ['-e', `require('flagsync/dist/src/reconcile/run')`], project);
    assert.match(internal.stderr, /ERR_PACKAGE_PATH_NOT_EXPORTED/);
  });

  it('2. adapter new writes a package whose npm install && npm test pass against the installed flagsync', async () => {
    const created = await flagsync(['adapter', 'new', 'acme-flags']);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /cd adapters\/acme-flags && npm install && npm test/);
    const manifest = JSON.parse(await readFile(path.join(adapterDir, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    assert.equal(manifest['peerDependencies']?.['flagsync'], '^0.1.0');
    assert.equal(manifest['devDependencies']?.['flagsync'], 'file:../../node_modules/flagsync');
    await mustRun('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], adapterDir);
    const tested = await run('npm', ['test'], adapterDir);
    assert.equal(tested.code, 0, `${tested.stdout}\n${tested.stderr}`);
    assert.match(tested.stdout, /tsc --noEmit && mocha/);
    assert.match(tested.stdout, /\d+ passing/);
    assert.doesNotMatch(tested.stdout, /failing/);

    // The type check is part of npm test: a type error fails it before any test runs.
    await writeFile(
      path.join(adapterDir, 'oops.ts'),
      `import { normalizeAcmeFlagsFlag } from './map';\nexport const n: number = normalizeAcmeFlagsFlag;\n`,
    );
    const typeError = await run('npm', ['test'], adapterDir);
    await rm(path.join(adapterDir, 'oops.ts'));
    assert.notEqual(typeError.code, 0);
    assert.match(typeError.stdout, /oops\.ts\(2,14\): error TS2322/);
  });

  it('3+4. the installed CLI loads the TypeScript adapter by path without a build; adapter check lists skipped, warnings, unlinked', async () => {
    const config = await writeConfig(project, './adapters/acme-flags');
    const checked = await flagsync(['adapter', 'check', '--config', config, '--provider', 'acme']);
    assert.equal(checked.code, 0, checked.stdout + checked.stderr);
    assert.match(checked.stdout, /provider "acme" \(adapter acme-flags 0\.1\.0, contract v2\)/);
    assert.match(checked.stdout, /acme:PROJ-1-new-checkout → PROJ-1: production\[production\]=on/);
    assert.match(checked.stdout, /Unlinked \(no issue key, not sent\): dark-mode\n/);
    assert.match(
      checked.stdout,
      /Skipped \(not sent, and not deleted in Jira for that\):\n {2}PROJ-3-broken: the source's data could not be used: .*enabled/,
    );
    assert.match(checked.stdout, /Warnings:\n {2}flag acme:PROJ-3-broken: skipped, the source's data could not be used/);
    assert.match(checked.stdout, /check passed\n$/);

    api.fail(503);
    const down = await flagsync(['adapter', 'check', '--config', config, '--provider', 'acme']);
    api.serve();
    assert.equal(down.code, 1);
    assert.match(down.stdout, /snapshot FAILED .*answered 503/);
  });

  it('3. a JavaScript adapter of contract version 1 loads without the TypeScript loader; a failed contract check exits 1', async () => {
    await writeFile(
      path.join(project, 'adapters', 'plain.js'),
      `const identity = { decode: (u) => ({ _tag: 'Right', right: u }) };
module.exports = { name: 'plain', version: require.extensions['.ts'] ? 'ts-loader-on' : 'ts-loader-off', contractVersion: 1,
  optionsCodec: identity,
  create: (o, ctx) => ({ environments: ['production'], snapshot: async () => ({
    flags: [{ provider: ctx.providerName, key: 'PROJ-1-x', tags: [], issueKeys: [], environments: [{ name: 'production', enabled: true, url: 'https://x.example/f' }] }],
    skipped: [{ key: 'PROJ-1-x', reason: 'also read' }] }) }) };`,
    );
    const config = await writeConfig(project, './adapters/plain.js');
    const checked = await flagsync(['adapter', 'check', '--config', config, '--provider', 'acme']);
    assert.equal(checked.code, 1, checked.stderr);
    assert.match(checked.stdout, /\(adapter plain ts-loader-off, contract v1\)/);
    assert.match(checked.stdout, /Problems:\n {2}skipped\[0\]\.key: "PROJ-1-x" is also in flags/);
    assert.match(checked.stdout, /check FAILED: 1 problem\(s\)\n$/);
  });

  it('3. errors name the cause: a TypeScript adapter that does not compile, a module that is not there', async () => {
    const broken = path.join(project, 'adapters', 'broken');
    await mkdir(broken, { recursive: true });
    await writeFile(
      path.join(broken, 'index.ts'),
      `import { ADAPTER_CONTRACT_VERSION } from 'flagsync';\nexport const adapter = { contractVersion: ADAPTER_CONTRACT_VERSION,, };\n`,
    );
    const config = await writeConfig(project, './adapters/broken');
    const compiled = await flagsync(['validate', '--config', config]);
    assert.equal(compiled.code, 2);
    assert.match(
      compiled.stderr,
      /providers\[0\]\.adapter: adapter \.\/adapters\/broken: failed to load .*index\.ts \(TypeScript, compiled by tsx\): .*index\.ts:2:\d+: ERROR/,
    );

    const missing = await flagsync(['validate', '--config', await writeConfig(project, './adapters/nothing-here')]);
    assert.equal(missing.code, 2);
    assert.match(
      missing.stderr,
      /cannot find the module: tried .*adapters\/nothing-here as a file \(also with \.js, \.ts\) and as a folder/,
    );
  });

  it('3. loads the adapter by package name once published and installed next to flagsync', async () => {
    const out = await tempDir('flagsync-adapter-pack-');
    const packed = await mustRun('npm', ['pack', '--pack-destination', out, '--json'], adapterDir);
    const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    assert.deepEqual(info?.files.map((f) => f.path).sort(), ['README.md', 'codecs.ts', 'index.ts', 'map.ts', 'package.json']);
    await mustRun('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', path.join(out, info.filename)], project);
    const config = await writeConfig(project, 'flagsync-adapter-acme-flags');
    const checked = await flagsync(['adapter', 'check', '--config', config, '--provider', 'acme']);
    assert.equal(checked.code, 0, checked.stdout + checked.stderr);
    assert.match(checked.stdout, /\(adapter acme-flags 0\.1\.0, contract v2\)/);
  });

  it('3. container image path: an adapter folder without node_modules, apart from the config and named by absolute path, gets the running flagsync', async () => {
    // The image runs `node /app/bin/flagsync.js` from the compiled package, with the config in /etc/flagsync/config/
    // and the adapter folder, as it is, in /opt/flagsync/adapters/ (docs/adapters.md, "In the container image").
    const etc = await tempDir('flagsync-etc-');
    const adapterCopy = path.join(await tempDir('flagsync-opt-'), 'adapters', 'acme-flags');
    await cp(adapterDir, adapterCopy, {
      recursive: true,
      filter: (source) => !source.endsWith('node_modules'),
    });
    const config = await writeConfig(etc, adapterCopy);
    const checked = await flagsync(['adapter', 'check', '--config', config, '--provider', 'acme'], '/', { NODE_ENV: 'production' });
    assert.equal(checked.code, 0, checked.stdout + checked.stderr);
    assert.match(checked.stdout, /acme:PROJ-1-new-checkout → PROJ-1/);
  });
});
