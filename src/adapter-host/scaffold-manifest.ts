import * as path from 'node:path';

/**
 * The package.json `flagsync adapter new` writes: the adapter as a package of its own. flagsync, io-ts and fp-ts
 * are peer dependencies (the host provides them when it loads the adapter: one contract, one set of codecs);
 * its tests need them too, so they are also devDependencies, flagsync as a `file:` link to the flagsync that wrote
 * the folder, so `npm install && npm test` type-check and run against exactly that flagsync, with no registry
 * needed for it. Versions of the test tools are flagsync's own, known to work with its kit.
 */
export interface FlagsyncManifest {
  readonly version: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

/** The peer range for flagsync: the running release's minor line (0.x) or major line. */
export function flagsyncPeerRange(version: string): string {
  const [major = '0', minor = '0'] = version.split('.');
  return major === '0' ? `^0.${minor}.0` : `^${major}.0.0`;
}

function versionOf(manifest: FlagsyncManifest, name: string): string {
  const found = manifest.dependencies?.[name] ?? manifest.devDependencies?.[name];
  if (found === undefined) throw new Error(`flagsync's package.json names no version of ${name}`);
  return found;
}

/** `file:` path from the adapter folder to the flagsync package, with forward slashes as npm writes them. */
export function fileSpec(adapterDir: string, flagsyncRoot: string): string {
  const relative = path.relative(adapterDir, flagsyncRoot).split(path.sep).join('/');
  return `file:${relative === '' ? '.' : relative}`;
}

export function adapterManifest(
  name: string,
  adapterDir: string,
  flagsyncRoot: string,
  flagsync: FlagsyncManifest,
): Record<string, unknown> {
  const shared = { 'io-ts': versionOf(flagsync, 'io-ts'), 'fp-ts': versionOf(flagsync, 'fp-ts') };
  const tools = ['mocha', 'tsx', 'typescript', '@types/mocha', '@types/node'];
  return {
    name: `flagsync-adapter-${name}`,
    version: '0.1.0',
    description: `flagsync adapter for ${name}`,
    license: 'UNLICENSED',
    // flagsync loads the TypeScript as it is (through tsx), so the package ships its sources; no build step.
    main: 'index.ts',
    files: ['*.ts', 'README.md'],
    keywords: ['flagsync', 'flagsync-adapter'],
    scripts: { typecheck: 'tsc --noEmit', test: 'tsc --noEmit && mocha' },
    peerDependencies: { flagsync: flagsyncPeerRange(flagsync.version), ...shared },
    devDependencies: Object.fromEntries(
      [
        ['flagsync', fileSpec(adapterDir, flagsyncRoot)] as const,
        ...Object.entries(shared),
        ...tools.map((t) => [t, versionOf(flagsync, t)] as const),
      ].sort(([a], [b]) => a.localeCompare(b)),
    ),
  };
}
