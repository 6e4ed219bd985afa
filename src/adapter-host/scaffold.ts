import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, realpath, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { adapterManifest, type FlagsyncManifest } from './scaffold-manifest';

/**
 * `flagsync adapter new NAME`: a package of its own (package.json, tsconfig, the adapter, README, contract test)
 * from templates/adapter, with the name filled in. Its files import `flagsync`; inside a flagsync checkout they
 * import it by relative path instead, so they also run and type-check in place with the checkout's tests.
 */
export const ADAPTER_NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export interface ScaffoldRequest {
  readonly name: string;
  /** Folder to create (default: ./adapters/NAME). Must not exist, or be empty. */
  readonly dir: string;
  /** The flagsync package folder (templates and, for in-tree targets, the import target). */
  readonly packageRoot: string;
}

export class ScaffoldError extends Error {
  override readonly name = 'ScaffoldError';
}

const pascal = (name: string) =>
  name
    .split('-')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');

function importFrom(fromDir: string, packageRoot: string): string {
  const inside = !path.relative(packageRoot, fromDir).startsWith('..') && !path.isAbsolute(path.relative(packageRoot, fromDir));
  if (!inside) return 'flagsync';
  const relative = path
    .relative(fromDir, path.join(packageRoot, 'src', 'index'))
    .split(path.sep)
    .join('/');
  return relative.startsWith('.') ? relative : `./${relative}`;
}

async function templateFiles(dir: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory() ? templateFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : Promise.resolve([`${prefix}${e.name}`]),
    ),
  );
  return nested.flat().sort();
}

/** Template names without a leading dot (npm leaves `.gitignore` out of a package) → the file written. */
function targetName(file: string, name: string): string {
  return file
    .replace(/\.tmpl$/, '')
    .replace(/^(gitignore|mocharc\.json)$/, '.$1')
    .replace(/(^|\/)contract\.test\.ts$/, `$1${name}.contract.test.ts`);
}

/** Writes the adapter folder; returns the files written (absolute paths). */
export async function scaffoldAdapter(request: ScaffoldRequest): Promise<string[]> {
  if (!ADAPTER_NAME_PATTERN.test(request.name)) {
    throw new ScaffoldError(`adapter name "${request.name}": expected lower-case words joined by "-" (e.g. "flagsmith" or "acme-flags")`);
  }
  const dir = path.resolve(request.dir);
  if (existsSync(dir) && (await readdir(dir)).length > 0)
    throw new ScaffoldError(`${dir} already exists and is not empty; choose another --dir`);
  const templates = path.join(request.packageRoot, 'templates', 'adapter');
  const values: Record<string, string> = {
    name: request.name,
    Name: pascal(request.name),
    ENV: request.name.toUpperCase().replace(/-/g, '_'),
    flagsync: importFrom(dir, request.packageRoot),
    flagsyncFromTest: importFrom(path.join(dir, 'test'), request.packageRoot),
  };
  const written: string[] = [];
  for (const file of await templateFiles(templates)) {
    const text = await readFile(path.join(templates, file), 'utf8');
    const target = path.join(dir, targetName(file, request.name));
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(
      target,
      text.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => values[key] ?? whole),
    );
    written.push(target);
  }
  const root = await realpath(request.packageRoot);
  const flagsync = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as FlagsyncManifest;
  const manifest = path.join(dir, 'package.json');
  await writeFile(manifest, `${JSON.stringify(adapterManifest(request.name, await realpath(dir), root, flagsync), null, 2)}\n`);
  return [manifest, ...written].sort();
}
