/**
 * TypeScript for external adapters, without a build step: tsx's CommonJS hooks are registered only when an adapter
 * turns out to be TypeScript, so a run with built-in or JavaScript adapters never loads esbuild.
 */
const TYPESCRIPT_FILE = /\.(c|m)?tsx?$/;

export const isTypeScriptFile = (file: string): boolean => TYPESCRIPT_FILE.test(file);

/** True when `.ts` files already load in this process (flagsync itself runs under tsx, or the loader is on). */
export function typeScriptLoads(): boolean {
  return require.extensions['.ts'] !== undefined;
}

export class TypeScriptLoaderError extends Error {
  override readonly name = 'TypeScriptLoaderError';
}

/**
 * Turns tsx's CommonJS hooks on (once; they stay on, since an adapter may require more TypeScript later). Returns
 * a function that turns them off again, for a caller that only wanted to probe; a no-op when they were on already.
 */
export function registerTypeScriptLoader(): () => void {
  if (typeScriptLoads()) return () => undefined;
  let api: { register: () => () => void };
  try {
    api = require('tsx/cjs/api') as typeof api;
  } catch (error) {
    throw new TypeScriptLoaderError(`the TypeScript loader (tsx) cannot be loaded: ${(error as Error).message.split('\n')[0]}`);
  }
  return api.register();
}

/**
 * The part of a loading error an author needs. esbuild puts the file, line and column on the lines after
 * "Transform failed with 1 error:", so those are kept; a require stack is not.
 */
export function loadFailureText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const lines = error.message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const stackAt = lines.findIndex((l) => l === 'Require stack:');
  const kept = (stackAt >= 0 ? lines.slice(0, stackAt) : lines).slice(0, 6);
  return kept.join(' ');
}
