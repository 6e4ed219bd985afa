import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
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
