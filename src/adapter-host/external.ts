import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { AnyAdapterFactory } from '../kit/contract-v1';
import { AdapterLoadError, factoryFromModule } from './factory-shape';
import { shareHostModules } from './host-modules';
import { isTypeScriptFile, loadFailureText, registerTypeScriptLoader, typeScriptLoads, TypeScriptLoaderError } from './typescript-loader';

/**
 * Loading adapters that are not built in: `adapter: ./adapters/foo` (a path, relative to the config file's folder)
 * or `adapter: "@acme/flagsync-adapter-foo"` (an npm package, resolved from the config file's folder, then the
 * current directory). JavaScript loads as it is; TypeScript loads through tsx, registered only when the adapter
 * turns out to be TypeScript. Either way the adapter's `flagsync`, `io-ts` and `fp-ts` are the running host's.
 */
export function isLocalPath(reference: string): boolean {
  return reference.startsWith('./') || reference.startsWith('../') || reference === '.' || path.isAbsolute(reference);
}

/** A plain word could be a misspelt built-in; only those get the "unknown adapter; expected one of" answer. */
export function looksLikePackage(reference: string): boolean {
  return reference.startsWith('@') || reference.includes('/') || reference.startsWith('flagsync-adapter-');
}

export interface ExternalLookup {
  /** Folders to resolve from, in order: the config file's folder, then the process's cwd. */
  readonly baseDirs: readonly string[];
}

/** The module this flagsync gives adapters as `flagsync`: the same file the host's own code was loaded from. */
const KIT_ENTRY = require.resolve('../index');

function resolveModule(reference: string, lookup: ExternalLookup): string | undefined {
  const request = isLocalPath(reference) ? path.resolve(lookup.baseDirs[0] ?? '.', reference) : reference;
  try {
    return require.resolve(request, { paths: [...lookup.baseDirs] });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    return undefined;
  }
}

/** What resolution looked for, so "cannot find" names the files and folders instead of leaving the author to guess. */
function whatWasTried(reference: string, lookup: ExternalLookup): string {
  if (isLocalPath(reference)) {
    const target = path.resolve(lookup.baseDirs[0] ?? '.', reference);
    return `tried ${target} as a file (also with .js, .ts) and as a folder (package.json "main", index.js, index.ts)`;
  }
  const folders = [...new Set(lookup.baseDirs.map((dir) => path.join(path.resolve(dir), 'node_modules', reference)))];
  return `package not installed: tried ${folders.join(' and ')} and the node_modules folders above them; run npm install ${reference}`;
}

/** Resolves, turning the TypeScript loader on only when that is what finds the module (a folder with index.ts). */
function resolveAdapter(reference: string, lookup: ExternalLookup): string | undefined {
  const plain = resolveModule(reference, lookup);
  if (plain !== undefined) {
    if (isTypeScriptFile(plain)) registerTypeScriptLoader();
    return plain;
  }
  // A plain word that names no package may be a misspelt built-in: no reason to start a TypeScript loader for it.
  if (typeScriptLoads() || (!isLocalPath(reference) && !looksLikePackage(reference))) return undefined;
  // tsx teaches require.resolve the .ts extensions (index.ts, foo.ts); without it they stay invisible.
  let unregister: () => void;
  try {
    unregister = registerTypeScriptLoader();
  } catch (error) {
    if (error instanceof TypeScriptLoaderError && typeScriptCandidate(reference, lookup) !== undefined)
      throw new AdapterLoadError(reference, `${typeScriptCandidate(reference, lookup)} is TypeScript, but ${error.message}`, error);
    return undefined;
  }
  const found = resolveModule(reference, lookup);
  if (found === undefined || !isTypeScriptFile(found)) unregister();
  return found;
}

function typeScriptCandidate(reference: string, lookup: ExternalLookup): string | undefined {
  if (!isLocalPath(reference)) return undefined;
  const target = path.resolve(lookup.baseDirs[0] ?? '.', reference);
  return [`${target}.ts`, path.join(target, 'index.ts')].find((file) => existsSync(file));
}

/** Why requiring the adapter failed, in the author's terms. */
function loadProblem(resolved: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const missing = code === 'MODULE_NOT_FOUND' ? /Cannot find module '([^']+)'/.exec((error as Error).message)?.[1] : undefined;
  if (missing !== undefined && path.resolve(missing) !== resolved) {
    return `failed to load ${resolved}: it requires "${missing}", which is not installed where the adapter is (install it in the adapter's folder)`;
  }
  const kind = isTypeScriptFile(resolved) ? ' (TypeScript, compiled by tsx)' : '';
  return `failed to load ${resolved}${kind}: ${loadFailureText(error)}`;
}

/**
 * Why the resolved file is an ES module, if it is: `.mjs`/`.mts`, or `.js`/`.ts` under a package.json with
 * `"type": "module"` (the nearest one decides). Node would load one through require(esm), but its `import`s of
 * `flagsync`, `io-ts` and `fp-ts` resolve past the host's sharing to copies of their own (another contract version,
 * codecs the host does not know), so it is refused by name rather than half working.
 */
function esModuleReason(file: string): string | undefined {
  if (/\.m[jt]s$/.test(file)) return `${path.basename(file)} is an ES module file`;
  if (!/\.[jt]s$/.test(file)) return undefined;
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      let type: unknown;
      try {
        type = (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: unknown }).type;
      } catch {
        return undefined; // not ours to judge: requiring it says what is wrong
      }
      return type === 'module' ? `${manifest} says "type": "module"` : undefined;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Loads and checks an external adapter; undefined when a plain word names no installed package. */
export function loadExternalAdapter(reference: string, lookup: ExternalLookup): AnyAdapterFactory | undefined {
  shareHostModules(KIT_ENTRY, __dirname);
  let resolved: string | undefined;
  try {
    resolved = resolveAdapter(reference, lookup);
  } catch (error) {
    if (error instanceof AdapterLoadError) throw error;
    throw new AdapterLoadError(reference, `cannot resolve: ${loadFailureText(error)}`, error);
  }
  if (resolved === undefined) {
    if (!isLocalPath(reference) && !looksLikePackage(reference)) return undefined;
    throw new AdapterLoadError(reference, `cannot find the module: ${whatWasTried(reference, lookup)}`);
  }
  const esm = esModuleReason(resolved);
  if (esm !== undefined)
    throw new AdapterLoadError(
      reference,
      `${resolved} is an ES module (${esm}); flagsync loads adapters as CommonJS: compile it to CommonJS (tsconfig "module": "commonjs") and leave "type": "module" out of its package.json`,
    );
  let mod: unknown;
  try {
    mod = require(resolved) as unknown;
  } catch (error) {
    throw new AdapterLoadError(reference, loadProblem(resolved, error), error);
  }
  return factoryFromModule(mod, reference);
}
