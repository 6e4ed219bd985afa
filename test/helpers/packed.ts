import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * flagsync as a user gets it: `npm pack` of this checkout (its prepack builds dist/), installed into an empty folder
 * with production dependencies only. Packing happens once per test process, in a copy of the checkout, so the
 * working tree's dist/ is never touched. Installs prefer the npm cache (`npm ci` fills it); the registry is asked
 * only for what the cache lacks.
 */
const repoRoot = path.resolve(__dirname, '..', '..');

/** What the build and the package's `files` need; tests, benches and local state stay out of the copy. */
const PACKED_SOURCES = [
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'README.md',
  'LICENSE',
  'bin',
  'src',
  'adapters',
  'schemas',
  'config',
  'templates',
  'docs',
];

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment without the npm_* variables `npm test` sets, so a nested npm reads its own folder's config. */
export function cleanNpmEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.toLowerCase().startsWith('npm_') || key.toLowerCase() === 'npm_config_cache') env[key] = value;
  }
  return { ...env, NO_UPDATE_NOTIFIER: '1', npm_config_fund: 'false', npm_config_audit: 'false', ...extra };
}

/** Runs a command; resolves with its exit code and output (never rejects on a non-zero exit). */
export function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = cleanNpmEnv()): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

export async function mustRun(command: string, args: readonly string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<CommandResult> {
  const result = await run(command, args, cwd, env);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited ${result.code}:\n${result.stdout}\n${result.stderr}`.slice(0, 8000));
  }
  return result;
}

const temporary: string[] = [];
process.on('exit', () => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

/** A temporary folder outside the repository, removed when the test process exits. */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  temporary.push(dir);
  return dir;
}

let packed: Promise<string> | undefined;

/** The path of flagsync-<version>.tgz, packed from this checkout (once per process). */
export function packFlagsync(): Promise<string> {
  packed ??= (async () => {
    const stage = await tempDir('flagsync-pack-');
    const copy = path.join(stage, 'flagsync');
    await mkdir(copy);
    for (const entry of PACKED_SOURCES) {
      await cp(path.join(repoRoot, entry), path.join(copy, entry), {
        recursive: true,
        // Test scratch folders (.tmp-*) and adapter tests are not part of the package.
        filter: (source) => !/[\\/](\.tmp-[^\\/]*|node_modules)$/.test(source),
      });
    }
    // The build (prepack) runs tsc from the checkout's own dependencies.
    await symlink(path.join(repoRoot, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
    const out = path.join(stage, 'out');
    await mkdir(out);
    const result = await mustRun('npm', ['pack', '--pack-destination', out, '--json'], copy);
    const [info] = JSON.parse(result.stdout) as { filename: string }[];
    if (info === undefined) throw new Error(`npm pack printed no tarball:\n${result.stdout}`);
    return path.join(out, info.filename);
  })();
  return packed;
}

/**
 * An empty project folder with the packed flagsync installed (production dependencies only), as
 * `npm install flagsync` would leave it. Returns the folder.
 */
export async function installPackedFlagsync(dir?: string): Promise<string> {
  const tarball = await packFlagsync();
  const project = dir ?? (await tempDir('flagsync-project-'));
  await writeFile(
    path.join(project, 'package.json'),
    `${JSON.stringify({ name: 'flagsync-user', version: '1.0.0', private: true }, null, 2)}\n`,
  );
  await mustRun('npm', ['install', '--prefer-offline', '--omit=dev', '--no-audit', '--no-fund', tarball], project);
  return project;
}

/** The installed `flagsync` bin of a project made by installPackedFlagsync. */
export function flagsyncBin(project: string): string {
  return path.join(project, 'node_modules', '.bin', 'flagsync');
}

/** The version in this checkout's package.json (what the tarball is named after). */
export async function checkoutVersion(): Promise<string> {
  return (JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
}
