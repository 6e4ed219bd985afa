import * as path from 'node:path';
import type { AdapterFactory } from './contract';
import { AdapterLoadError, factoryFromModule } from './factory-shape';

/**
 * Loading adapters that are not built in: `adapter: ./adapters/foo` (a path, relative to the config file's folder)
 * or `adapter: "@acme/flagsync-adapter-foo"` (an npm package, resolved from the config file's folder, then the
 * current directory). Loading is synchronous `require`: under tsx (development, `npm run flagsync`) that takes
 * TypeScript too; the compiled CLI needs JavaScript adapters, or `node --import tsx`.
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

function resolveModule(reference: string, lookup: ExternalLookup): string | undefined {
  const tried = isLocalPath(reference) ? lookup.baseDirs.slice(0, 1).map((dir) => path.resolve(dir, reference)) : [reference];
  for (const request of tried) {
    try {
      return require.resolve(request, { paths: [...lookup.baseDirs] });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    }
  }
  return undefined;
}

/** Loads and checks an external adapter; undefined when a plain word names no installed package. */
export function loadExternalAdapter(reference: string, lookup: ExternalLookup): AdapterFactory | undefined {
  let resolved: string | undefined;
  try {
    resolved = resolveModule(reference, lookup);
  } catch (error) {
    throw new AdapterLoadError(reference, `cannot resolve: ${(error as Error).message.split('\n')[0]}`, error);
  }
  if (resolved === undefined) {
    if (!isLocalPath(reference) && !looksLikePackage(reference)) return undefined;
    const where = isLocalPath(reference)
      ? `no module at ${path.resolve(lookup.baseDirs[0] ?? '.', reference)} (index.ts, index.js or package.json "main")`
      : `package not installed (looked from ${lookup.baseDirs.join(' and ')}); run npm install ${reference}`;
    throw new AdapterLoadError(reference, `cannot find the module: ${where}`);
  }
  let mod: unknown;
  try {
    mod = require(resolved) as unknown;
  } catch (error) {
    // The adapter's own code failed while loading; its first line is what the author needs.
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new AdapterLoadError(reference, `failed to load ${resolved}: ${message}`, error);
  }
  return factoryFromModule(mod, reference);
}
