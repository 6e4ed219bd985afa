import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { startSimulator, type Simulator } from '../../src/simulator';
import { flagdFile, linkedFlags } from '../helpers/flagd-fixtures';
import { checkoutVersion, mustRun, packFlagsync, run, tempDir } from '../helpers/packed';
import { freePort } from '../helpers/ports';
import { readDockerfile } from './dockerfile';

const image = readDockerfile();
const repoRoot = path.resolve(__dirname, '..', '..');

/**
 * The package as the Dockerfile's build stage installs it: the packed tarball unpacked as the app folder, this
 * checkout's package-lock.json beside its package.json, and `npm ci` of the production dependencies.
 */
async function installLikeTheImage(): Promise<string> {
  const tarball = await packFlagsync();
  const app = await tempDir('flagsync-image-app-');
  await mustRun('tar', ['-xzf', tarball, '-C', app, '--strip-components=1'], app);
  await copyFile(path.join(repoRoot, 'package-lock.json'), path.join(app, 'package-lock.json'));
  await mustRun('npm', ['ci', '--prefer-offline', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], app);
  return app;
}

describe('the container image (Dockerfile)', () => {
  it('is based on one Node minor release, not a moving major tag', () => {
    assert.match(image.from, /^node:20\.\d+(\.\d+)?-bookworm-slim$/);
  });

  it("carries OCI labels, the version being package.json's", async () => {
    for (const key of ['title', 'description', 'version', 'licenses'])
      assert.ok(image.labels[`org.opencontainers.image.${key}`], `org.opencontainers.image.${key}`);
    assert.equal(image.labels['org.opencontainers.image.version'], await checkoutVersion());
  });

  it('runs as node, with the default config (in a folder of its own) and state paths in the environment', () => {
    assert.equal(image.user, 'node');
    // The folder the Kubernetes manifests mount their ConfigMap on, so other mounts under /etc/flagsync stay visible.
    assert.equal(image.env['FLAGSYNC_CONFIG'], '/etc/flagsync/config/flagsync.yaml');
    assert.equal(image.env['FLAGSYNC_STATE_PATH'], '/var/lib/flagsync/state.json');
    assert.deepEqual(image.cmd, ['run', '--config', image.env['FLAGSYNC_CONFIG']]);
  });

  it('checks its health with node itself', () => {
    assert.equal(image.healthcheck[0], 'node');
  });
});

/**
 * Does what the image does, without a container engine: the packed package installed production-only from the lock
 * file (as the Dockerfile installs it), its command run with the image's environment, and its HEALTHCHECK command
 * run against it. The image's folders map to a temporary root: /app → the install, /etc/flagsync and
 * /var/lib/flagsync → here.
 */
describe('the image, run without a container engine', function () {
  this.timeout(300_000);
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({});
  });
  after(() => sim.close());

  it('installs production-only from the lock file, syncs with the default state path, passes its health check, and stops on SIGTERM', async () => {
    const app = await installLikeTheImage();
    assert.ok(!existsSync(path.join(app, 'node_modules', 'mocha')), 'no dev dependencies installed');
    const lock = JSON.parse(await readFile(path.join(repoRoot, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string }>;
    };
    const manifest = JSON.parse(await readFile(path.join(app, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const dependency of Object.keys(manifest.dependencies)) {
      const installed = JSON.parse(await readFile(path.join(app, 'node_modules', dependency, 'package.json'), 'utf8')) as {
        version: string;
      };
      assert.equal(installed.version, lock.packages[`node_modules/${dependency}`]?.version, `${dependency}: the lock file's version`);
    }
    const root = await tempDir('flagsync-image-root-');
    const inImage = (p: string): string => (p.startsWith('/app/') ? path.join(app, p.slice('/app/'.length)) : path.join(root, p));
    await mkdir(inImage('/var/lib/flagsync'), { recursive: true });
    const configDir = path.posix.dirname(image.env['FLAGSYNC_CONFIG']!);
    await mkdir(inImage(configDir), { recursive: true });
    const port = await freePort();
    await writeFile(inImage(`${configDir}/production.flagd.json`), flagdFile(linkedFlags(5)));
    await writeFile(
      inImage(image.env['FLAGSYNC_CONFIG']!),
      stringify({
        jira: {
          cloudId: sim.cloudId,
          clientId: sim.clientId,
          clientSecret: sim.clientSecret,
          tokenUrl: `${sim.url}/oauth/token`,
          apiBaseUrl: sim.url,
        },
        metrics: { port, host: '127.0.0.1' },
        // No state.path: the image's FLAGSYNC_STATE_PATH decides, and must be writable.
        providers: [
          {
            name: 'files',
            adapter: 'flagd',
            // A local file gives no link people can open, so flags need one from config.
            urlTemplate: 'https://flags.example/{environment}/{key}',
            environments: [{ name: 'production', type: 'production', source: './production.flagd.json' }],
          },
        ],
      }),
    );
    const env = {
      PATH: process.env['PATH'],
      HOME: root,
      ...Object.fromEntries(Object.entries(image.env).map(([k, v]) => [k, v.startsWith('/') ? inImage(v) : v])),
    };
    // ENTRYPOINT is tini, then node and the CLI; tini only forwards signals, so node runs the CLI directly here.
    const [tini, , node, cli] = image.entrypoint;
    assert.equal(tini, '/usr/bin/tini');
    assert.equal(node, 'node');
    const args = image.cmd.map((a) => (a.startsWith('/') ? inImage(a) : a));
    const daemon = spawn(process.execPath, [inImage(cli!), ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    daemon.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => daemon.on('close', (code) => resolve(code)));
    const [healthNode, ...healthArgs] = image.healthcheck;
    assert.equal(healthNode, 'node');
    // As in the image: the health check finds the port in the config FLAGSYNC_CONFIG names.
    const healthcheck = () =>
      run(
        process.execPath,
        healthArgs.map((a) => (a.startsWith('/') ? inImage(a) : a)),
        root,
        env,
      );
    try {
      const statePath = inImage(image.env['FLAGSYNC_STATE_PATH']!);
      const recorded = async (): Promise<number> => {
        if (!existsSync(statePath)) return 0;
        const state = JSON.parse(await readFile(statePath, 'utf8')) as { entities?: { featureflags?: Record<string, unknown> } };
        return Object.keys(state.entities?.featureflags ?? {}).length;
      };
      const deadline = Date.now() + 120_000;
      while ((await recorded()) < 5) {
        if (Date.now() > deadline) throw new Error(`the first run did not record 5 flags in ${statePath}\n${stderr}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.equal((sim.stored('featureflags') as unknown[]).length, 5);
      const healthy = await healthcheck();
      assert.equal(healthy.code, 0, healthy.stderr);
    } finally {
      daemon.kill('SIGTERM');
    }
    assert.equal(await exited, 0, stderr);
    const down = await healthcheck();
    assert.equal(down.code, 1, 'the health check fails when the daemon is gone');
    assert.match(down.stderr, /flagsync health check: .*ECONNREFUSED/);
  });
});
