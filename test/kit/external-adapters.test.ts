import * as assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipe } from 'fp-ts/function';
import * as t from 'io-ts';
import { SourceError } from '../../src/kit/contract';
import { AdapterLoadError } from '../../src/adapter-host/factory-shape';
import { createAdapterRegistry } from '../../src/adapter-host/registry';

/** External adapters by local path (TypeScript and JavaScript) and by npm package, resolved like config does. */
const repoRoot = path.resolve(__dirname, '..', '..');

const jsAdapter = (name: string, contractVersion = 1, extra = '') => `
const identity = { decode: (u) => ({ _tag: 'Right', right: u }) };
module.exports = { ${extra} name: ${JSON.stringify(name)}, version: '1.2.3', contractVersion: ${contractVersion}, optionsCodec: identity,
  create: () => ({ environments: [], snapshot: async () => ({ flags: [] }) }) };
`;

function loadError(fn: () => unknown): AdapterLoadError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AdapterLoadError) return error;
    throw error;
  }
  return assert.fail('expected an AdapterLoadError');
}

describe('external adapters', () => {
  let dir: string;
  let inRepo: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'flagsync-kit-'));
    // TypeScript adapters import flagsync's own modules and io-ts: they must live where those resolve.
    inRepo = await mkdtemp(path.join(repoRoot, 'test', 'kit', '.tmp-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(inRepo, { recursive: true, force: true });
  });

  it("loads a local JavaScript adapter folder relative to the config file's folder", async () => {
    await mkdir(path.join(dir, 'adapters', 'foo'), { recursive: true });
    await writeFile(path.join(dir, 'adapters', 'foo', 'index.js'), jsAdapter('foo'));
    const factory = createAdapterRegistry({ baseDirs: [dir, os.tmpdir()] }).get('./adapters/foo');
    assert.equal(factory?.name, 'foo');
  });

  it('loads a local TypeScript adapter with a default export', async () => {
    await writeFile(
      path.join(inRepo, 'index.ts'),
      `import * as t from 'io-ts';
import { ADAPTER_CONTRACT_VERSION, type AdapterFactory } from '../../../src/kit';
const adapter: AdapterFactory<unknown> = { name: 'ts-foo', version: '0.1.0', contractVersion: ADAPTER_CONTRACT_VERSION, produces: 'flags',
  optionsCodec: t.unknown, create: () => ({ environments: [], snapshot: async () => ({ flags: [] }) }) };
export default adapter;
`,
    );
    const factory = createAdapterRegistry({ baseDirs: [path.dirname(inRepo)] }).get(`./${path.basename(inRepo)}`);
    assert.equal(factory?.name, 'ts-foo');
  });

  it("loads an npm package from the config file's folder", async () => {
    const pkg = path.join(dir, 'node_modules', '@acme', 'flagsync-adapter-foo');
    await mkdir(pkg, { recursive: true });
    await writeFile(path.join(pkg, 'package.json'), JSON.stringify({ name: '@acme/flagsync-adapter-foo', main: 'lib/main.js' }));
    await mkdir(path.join(pkg, 'lib'));
    await writeFile(path.join(pkg, 'lib', 'main.js'), jsAdapter('acme-foo'));
    const factory = createAdapterRegistry({ baseDirs: [dir] }).get('@acme/flagsync-adapter-foo');
    assert.equal(factory?.name, 'acme-foo');
  });

  it('refuses an ES module adapter by name, saying how to make it CommonJS (its imports would not share the host kit)', async () => {
    const pkg = path.join(dir, 'adapters', 'esm');
    await mkdir(pkg, { recursive: true });
    await writeFile(path.join(pkg, 'package.json'), JSON.stringify({ name: 'esm-adapter', type: 'module', main: 'index.js' }));
    await writeFile(path.join(pkg, 'index.js'), `export const adapter = {};\n`);
    const error = loadError(() => createAdapterRegistry({ baseDirs: [dir] }).get('./adapters/esm'));
    assert.equal(
      error.message,
      `adapter ./adapters/esm: ${path.join(pkg, 'index.js')} is an ES module (${path.join(pkg, 'package.json')} says "type": "module"); flagsync loads adapters as CommonJS: compile it to CommonJS (tsconfig "module": "commonjs") and leave "type": "module" out of its package.json`,
    );
    await writeFile(path.join(dir, 'plain.mjs'), `export const adapter = {};\n`);
    assert.match(
      loadError(() => createAdapterRegistry({ baseDirs: [dir] }).get('./plain.mjs')).message,
      /plain\.mjs is an ES module file\)/,
    );
  });

  it('reports a module without an optionsCodec by adapter and missing member', async () => {
    await writeFile(path.join(dir, 'foo.js'), `exports.adapter = { name: 'foo', version: '1', contractVersion: 1, create() {} };`);
    const error = loadError(() => createAdapterRegistry({ baseDirs: [dir] }).get('./foo'));
    assert.equal(error.message, 'adapter ./foo: module does not export an AdapterFactory (missing optionsCodec)');
  });

  it('refuses an adapter written for another contract version, naming both versions', async () => {
    await writeFile(path.join(dir, 'future.js'), jsAdapter('future', 3));
    const error = loadError(() => createAdapterRegistry({ baseDirs: [dir] }).get('./future.js'));
    assert.match(
      error.message,
      /^adapter \.\/future\.js: "future" 1\.2\.3 implements adapter contract version 3; this flagsync supports versions 1 and 2/,
    );
  });

  it('reports a local path with no module behind it', () => {
    const error = loadError(() => createAdapterRegistry({ baseDirs: [dir] }).get('./adapters/missing'));
    const target = path.join(dir, 'adapters', 'missing');
    assert.equal(
      error.message,
      `adapter ./adapters/missing: cannot find the module: tried ${target} as a file (also with .js, .ts) and as a folder (package.json "main", index.js, index.ts)`,
    );
  });

  it('reports a scoped package that is not installed', () => {
    const error = loadError(() => createAdapterRegistry({ baseDirs: [dir] }).get('@acme/flagsync-adapter-nope'));
    assert.match(
      error.message,
      /package not installed: tried .*node_modules\/@acme\/flagsync-adapter-nope .*npm install @acme\/flagsync-adapter-nope/,
    );
  });

  it('names each folder it looked in once, when the config folder is the current one', () => {
    const error = loadError(() => createAdapterRegistry({ baseDirs: [dir, `${dir}/.`] }).get('flagsync-adapter-nope'));
    const tried = /tried (.*) and the node_modules folders above them/.exec(error.message)?.[1];
    assert.equal(tried, path.join(dir, 'node_modules', 'flagsync-adapter-nope'));
  });

  it('answers undefined for an unknown plain name, so config lists the built-ins', () => {
    assert.equal(createAdapterRegistry({ baseDirs: [dir] }).get('flagdd'), undefined);
  });

  it('reports an adapter whose module throws while loading', async () => {
    await writeFile(path.join(dir, 'broken.js'), `throw new Error('boom at load');`);
    const error = loadError(() => createAdapterRegistry({ baseDirs: [dir] }).get('./broken.js'));
    assert.match(error.message, /failed to load .*broken\.js: boom at load/);
  });

  it('gives an adapter outside the repository the running flagsync, io-ts and fp-ts, not the copies beside it', async () => {
    const adapterDir = path.join(dir, 'acme');
    // Decoys where plain resolution would find them first: an adapter folder usually has its own node_modules.
    for (const name of ['flagsync', 'io-ts', 'fp-ts']) {
      await mkdir(path.join(adapterDir, 'node_modules', name), { recursive: true });
      await writeFile(
        path.join(adapterDir, 'node_modules', name, 'package.json'),
        JSON.stringify({ name, version: '0.0.1', main: 'index.js' }),
      );
      await writeFile(path.join(adapterDir, 'node_modules', name, 'index.js'), 'exports.decoy = true;');
    }
    await writeFile(
      path.join(adapterDir, 'index.ts'),
      `import * as t from 'io-ts';
import { pipe } from 'fp-ts/function';
import { ADAPTER_CONTRACT_VERSION, SourceError, type AdapterFactory } from 'flagsync';
export const adapter: AdapterFactory<unknown> & { seen: unknown } = { name: 'acme', version: '0.1.0', contractVersion: ADAPTER_CONTRACT_VERSION, produces: 'flags',
  optionsCodec: t.unknown, create: () => ({ environments: [], snapshot: async () => ({ flags: [] }) }),
  seen: { SourceError, string: t.string, pipe } };
`,
    );
    const factory = createAdapterRegistry({ baseDirs: [dir] }).get('./acme');
    assert.equal(factory?.name, 'acme');
    const seen = (factory as unknown as { seen: Record<string, unknown> }).seen;
    assert.equal(seen['SourceError'], SourceError);
    assert.equal(seen['string'], t.string);
    assert.equal(seen['pipe'], pipe);
  });

  it('says where a TypeScript adapter does not compile', async () => {
    await mkdir(path.join(dir, 'bad-ts'));
    await writeFile(path.join(dir, 'bad-ts', 'index.ts'), `export const adapter = {\n  name: 'bad' version: '1',\n};\n`);
    const error = loadError(() => createAdapterRegistry({ baseDirs: [dir] }).get('./bad-ts'));
    const file = path.join(dir, 'bad-ts', 'index.ts');
    assert.ok(error.message.startsWith(`adapter ./bad-ts: failed to load ${file} (TypeScript, compiled by tsx): `), error.message);
    assert.match(error.message, /index\.ts:2:\d+: ERROR: Expected "}" but found "version"/);
  });

  it('names a module the adapter requires that is not installed beside it', async () => {
    await writeFile(path.join(dir, 'needs.js'), `require('acme-http-client');`);
    const error = loadError(() => createAdapterRegistry({ baseDirs: [dir] }).get('./needs.js'));
    assert.equal(
      error.message,
      `adapter ./needs.js: failed to load ${path.join(dir, 'needs.js')}: it requires "acme-http-client", which is not installed where the adapter is (install it in the adapter's folder)`,
    );
  });
});
