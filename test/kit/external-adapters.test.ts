import * as assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { AdapterLoadError } from '../../src/adapters/factory-shape';
import { createAdapterRegistry } from '../../src/adapters/registry';

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
import { ADAPTER_CONTRACT_VERSION, type AdapterFactory } from '../../../src/adapters/contract';
const adapter: AdapterFactory<unknown> = { name: 'ts-foo', version: '0.1.0', contractVersion: ADAPTER_CONTRACT_VERSION,
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

  it('reports a module without an optionsCodec by adapter and missing member', async () => {
    await writeFile(path.join(dir, 'foo.js'), `exports.adapter = { name: 'foo', version: '1', contractVersion: 1, create() {} };`);
    const error = loadError(() => createAdapterRegistry({ baseDirs: [dir] }).get('./foo'));
    assert.equal(error.message, 'adapter ./foo: module does not export an AdapterFactory (missing optionsCodec)');
  });

  it('refuses an adapter written for another contract version, naming both versions', async () => {
    await writeFile(path.join(dir, 'future.js'), jsAdapter('future', 2));
    const error = loadError(() => createAdapterRegistry({ baseDirs: [dir] }).get('./future.js'));
    assert.match(
      error.message,
      /^adapter \.\/future\.js: "future" 1\.2\.3 implements adapter contract version 2; this flagsync supports version 1/,
    );
  });

  it('reports a local path with no module behind it', () => {
    const error = loadError(() => createAdapterRegistry({ baseDirs: [dir] }).get('./adapters/missing'));
    assert.match(error.message, /^adapter \.\/adapters\/missing: cannot find the module: no module at /);
  });

  it('reports a scoped package that is not installed', () => {
    const error = loadError(() => createAdapterRegistry({ baseDirs: [dir] }).get('@acme/flagsync-adapter-nope'));
    assert.match(error.message, /package not installed .*npm install @acme\/flagsync-adapter-nope/);
  });

  it('answers undefined for an unknown plain name, so config lists the built-ins', () => {
    assert.equal(createAdapterRegistry({ baseDirs: [dir] }).get('flagdd'), undefined);
  });

  it('reports an adapter whose module throws while loading', async () => {
    await writeFile(path.join(dir, 'broken.js'), `throw new Error('boom at load');`);
    const error = loadError(() => createAdapterRegistry({ baseDirs: [dir] }).get('./broken.js'));
    assert.match(error.message, /failed to load .*broken\.js: boom at load/);
  });
});
