import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * bin/flagsync.js in a checkout that was never built: a copy of the checkout's layout without dist/, so the test
 * does not depend on whether this working tree happens to have a build.
 */
const repoRoot = path.resolve(__dirname, '..', '..');

function runBin(dir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(dir, 'bin', 'flagsync.js'), ...args], { cwd: dir }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr }),
    );
  });
}

/** The same at a terminal (`script` gives it one), where a person reads stderr; output as the terminal got it. */
function runBinAtTerminal(dir: string, args: string[]): Promise<{ code: number; output: string }> {
  const command = [process.execPath, path.join(dir, 'bin', 'flagsync.js'), ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  return new Promise((resolve) => {
    execFile('script', ['-qec', command, '/dev/null'], { cwd: dir }, (error, stdout) =>
      resolve({ code: error === null ? 0 : Number(error.code), output: stdout.replace(/\r\n/g, '\n') }),
    );
  });
}

describe('bin/flagsync.js in a checkout without a build', function () {
  this.timeout(30_000);
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'flagsync-checkout-'));
    await mkdir(path.join(dir, 'bin'));
    await copyFile(path.join(repoRoot, 'bin', 'flagsync.js'), path.join(dir, 'bin', 'flagsync.js'));
    await copyFile(path.join(repoRoot, 'package.json'), path.join(dir, 'package.json'));
    await symlink(path.join(repoRoot, 'src'), path.join(dir, 'src'));
    await symlink(path.join(repoRoot, 'adapters'), path.join(dir, 'adapters'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('runs the TypeScript sources through tsx once dependencies are installed', async () => {
    await symlink(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'));
    const result = await runBin(dir, ['--version']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), '0.1.0');
  });

  it('says to run npm ci when dependencies are not installed either (exit 2, no stack trace)', async () => {
    const result = await runBin(dir, ['adapter', 'new', 'acme-flags']);
    assert.equal(result.code, 2);
    assert.equal(
      result.stderr,
      `flagsync: this checkout has no dependencies installed and no build: run \`npm ci\` in ${dir} (then \`npm run build\` for the compiled CLI)\n`,
    );
  });
});

describe('bin/flagsync.js in a checkout with a build', function () {
  this.timeout(30_000);
  // `script` (util-linux) gives the command a terminal.
  before(function () {
    if (process.platform !== 'linux') this.skip();
  });
  let dir: string;
  let compiled: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'flagsync-checkout-'));
    await mkdir(path.join(dir, 'bin'));
    await copyFile(path.join(repoRoot, 'bin', 'flagsync.js'), path.join(dir, 'bin', 'flagsync.js'));
    await mkdir(path.join(dir, 'src', 'cli'), { recursive: true });
    await writeFile(path.join(dir, 'src', 'cli', 'main.ts'), 'export {};\n');
    await mkdir(path.join(dir, 'adapters', 'acme', 'test'), { recursive: true });
    await writeFile(path.join(dir, 'adapters', 'acme', 'index.ts'), 'export {};\n');
    await writeFile(path.join(dir, 'adapters', 'acme', 'test', 'acme.test.ts'), 'export {};\n');
    // A stand-in for the build: the test is about which code runs, and what is said about it.
    compiled = path.join(dir, 'dist', 'src', 'cli', 'main.js');
    await mkdir(path.dirname(compiled), { recursive: true });
    await writeFile(compiled, "exports.runFromProcess = () => process.stdout.write('the build ran\\n');\n");
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const at = (file: string, date: Date) => utimes(path.join(dir, file), date, date);

  it('at a terminal, says which source changed after the build, and runs the build', async () => {
    const built = new Date(Date.now() - 3600_000);
    await at('dist/src/cli/main.js', built);
    await at('src/cli/main.ts', new Date(built.getTime() - 60_000));
    const result = await runBinAtTerminal(dir, ['--version']);
    assert.equal(result.code, 0, result.output);
    assert.equal(
      result.output,
      `flagsync: ${path.join('adapters', 'acme', 'index.ts')} changed after the build in dist/, which runs now; \`npm run build\` to run the change\nthe build ran\n`,
    );
  });

  it('says nothing when the build is newer than every source (tests, declarations and dot files aside), nor to a script', async () => {
    const built = new Date(Date.now() + 3600_000);
    await at('dist/src/cli/main.js', built);
    await writeFile(path.join(dir, 'src', 'cli', 'main.test.ts'), 'export {};\n');
    await writeFile(path.join(dir, 'src', 'cli', 'types.d.ts'), 'export {};\n');
    await writeFile(path.join(dir, 'src', 'cli', '.main.ts'), 'export {};\n');
    // An editor's lock file: a dangling symlink.
    await symlink('nobody@host.1234', path.join(dir, 'src', 'cli', '.#main.ts'));
    for (const file of ['adapters/acme/test/acme.test.ts', 'src/cli/main.test.ts', 'src/cli/types.d.ts', 'src/cli/.main.ts']) {
      await at(file, new Date(built.getTime() + 60_000));
    }
    assert.deepEqual(await runBinAtTerminal(dir, ['--version']), { code: 0, output: 'the build ran\n' });
    await at('dist/src/cli/main.js', new Date(0));
    assert.deepEqual(await runBin(dir, ['--version']), { code: 0, stdout: 'the build ran\n', stderr: '' });
  });
});
