import Module from 'node:module';

/**
 * An external adapter's `import … from 'flagsync'` must reach the flagsync that is running, not whatever copy sits
 * in node_modules next to the adapter (an adapter folder usually has one, installed for its own tests), and not
 * fail when the adapter has no node_modules at all (a folder mounted into the container image). Two copies would
 * mean two contracts: another ADAPTER_CONTRACT_VERSION, other codecs, `instanceof SourceError` failing in the core.
 * The same holds for io-ts and fp-ts, the libraries the contract's codecs are made of: an adapter declares them as
 * peer dependencies, and the host provides them.
 */
export const SHARED_WITH_ADAPTERS: readonly string[] = ['flagsync', 'io-ts', 'fp-ts'];

type ResolveFilename = (request: string, parent: unknown, isMain: boolean, options?: unknown) => string;
const moduleInternals = Module as unknown as { _resolveFilename: ResolveFilename };

/** The shared package a request names (`io-ts` for `io-ts/PathReporter`), or undefined. */
export function sharedPackageOf(request: string): string | undefined {
  return SHARED_WITH_ADAPTERS.find((name) => request === name || request.startsWith(`${name}/`));
}

let installed: { kitEntry: string; hostDir: string } | undefined;

/**
 * From now on, `require('flagsync')` anywhere in this process is `kitEntry` (the module this flagsync exports to
 * adapters), and io-ts/fp-ts resolve from `hostDir` (a folder inside the running flagsync). Idempotent.
 */
export function shareHostModules(kitEntry: string, hostDir: string): void {
  if (installed !== undefined) return;
  installed = { kitEntry, hostDir };
  const original = moduleInternals._resolveFilename;
  moduleInternals._resolveFilename = function resolveShared(this: unknown, request, parent, isMain, options) {
    const shared = sharedPackageOf(request);
    if (shared === 'flagsync' && request === 'flagsync') return kitEntry;
    if (shared !== undefined && shared !== 'flagsync') {
      return original.call(this, request, parent, isMain, { paths: [hostDir] });
    }
    return original.call(this, request, parent, isMain, options);
  };
}

/** What `require('flagsync')` gives an adapter (for error messages and tests). */
export function sharedKitEntry(): string | undefined {
  return installed?.kitEntry;
}
