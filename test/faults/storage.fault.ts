import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdir, open, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { tempDir } from '../helpers/flagd-fixtures';
import { expectConverged, faultFlags, runFlagsync, startWorld, stopWorld, tempFiles, type World } from './harness';

/** A real small filesystem (tmpfs, as root) for the state folder: ENOSPC and EROFS come from the kernel. */
function mountTmpfs(dir: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Fills the filesystem holding `dir` to the last byte. */
async function fill(dir: string): Promise<void> {
  const file = path.join(dir, 'filler');
  const block = Buffer.alloc(64 * 1024, 1);
  const handle = await open(file, 'a');
  try {
    for (;;) await handle.write(block);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    await handle.close();
  }
  // The last partial block: whatever is left, byte by byte in small pieces.
  const small = await open(file, 'a');
  try {
    for (;;) await small.write(Buffer.alloc(512, 1));
  } catch {
    // full
  } finally {
    await small.close();
  }
}

const summaryOf = (stdout: string) => JSON.parse(stdout) as { ok: boolean; stopped: string | null; providers: Array<{ created: number }> };

describe('faults: the state folder cannot be written', function () {
  this.timeout(180_000);
  let mountPoint: string;
  let mounted = false;
  let world: World;

  beforeEach(async function () {
    mountPoint = await tempDir('flagsync-tmpfs-');
    mounted = mountTmpfs(mountPoint, '2m');
    if (!mounted) {
      // Needs root (CI and the dev machines run as root); anywhere else these scenarios cannot inject the fault.
      console.warn('    (mount -t tmpfs is not permitted here: storage faults not injected)');
      this.skip();
    }
    await mkdir(path.join(mountPoint, 'state'));
  });
  afterEach(async () => {
    if (world !== undefined) await stopWorld(world);
    if (mounted) execFileSync('umount', ['-l', mountPoint]);
    await rm(mountPoint, { recursive: true, force: true });
  });

  it('full before the run: nothing is sent, the JSON summary names the cause, exit 1; with space the next run converges', async () => {
    world = await startWorld(faultFlags(300), { stateDir: path.join(mountPoint, 'state') });
    await fill(mountPoint);
    const full = await runFlagsync(world, ['--json']);
    assert.equal(full.code, 1, full.stderr);
    assert.match(summaryOf(full.stdout).stopped ?? '', /state cannot be written.*ENOSPC/);
    assert.equal(world.proxy.count('POST', '/bulk'), 0, 'nothing was sent');
    assert.deepEqual(await tempFiles(world), []);
    await rm(path.join(mountPoint, 'filler'));
    const recovered = await runFlagsync(world);
    assert.equal(recovered.code, 0, recovered.stdout + recovered.stderr);
    await expectConverged(world);
  });

  it('fills up during the run: sending stops, no temp file is left, the table names the cause; the next run converges', async () => {
    world = await startWorld(faultFlags(600), { stateDir: path.join(mountPoint, 'state') });
    world.proxy.add({ method: 'POST', path: '/bulk', action: 'pass', times: 1, hook: () => fill(mountPoint) });
    const full = await runFlagsync(world);
    assert.equal(full.code, 1, full.stderr);
    assert.match(full.stdout, /^run stopped early: state cannot be written, so the run stopped sending: .*ENOSPC/m);
    assert.ok(world.proxy.count('POST', '/bulk') < 6, `${world.proxy.count('POST', '/bulk')} of 6 batches sent`);
    assert.deepEqual(await tempFiles(world), []);
    await rm(path.join(mountPoint, 'filler'));
    const recovered = await runFlagsync(world);
    assert.equal(recovered.code, 0, recovered.stdout + recovered.stderr);
    await expectConverged(world);
  });

  it('read-only: nothing is sent (not everything sent and then not recorded), exit 1; writable again, it converges', async () => {
    world = await startWorld(faultFlags(300), { stateDir: path.join(mountPoint, 'state') });
    execFileSync('mount', ['-o', 'remount,ro', mountPoint]);
    const readOnly = await runFlagsync(world, ['--json']);
    execFileSync('mount', ['-o', 'remount,rw', mountPoint]);
    assert.equal(readOnly.code, 1, readOnly.stderr);
    assert.match(summaryOf(readOnly.stdout).stopped ?? '', /state cannot be written.*EROFS/);
    assert.equal(world.proxy.count('POST', '/bulk'), 0);
    const recovered = await runFlagsync(world);
    assert.equal(recovered.code, 0, recovered.stdout + recovered.stderr);
    await expectConverged(world);
  });

  it('a run that starts with a full disk leaves no temp file behind, however often it is retried', async () => {
    world = await startWorld(faultFlags(50), { stateDir: path.join(mountPoint, 'state') });
    await writeFile(path.join(mountPoint, 'state', 'state.json'), JSON.stringify({ version: 1, entities: {} }));
    await fill(mountPoint);
    for (let i = 0; i < 2; i++) assert.equal((await runFlagsync(world)).code, 1);
    assert.deepEqual(await tempFiles(world), []);
  });
});
