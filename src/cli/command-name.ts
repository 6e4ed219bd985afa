import * as path from 'node:path';
import { shellWord } from '../report/shell-word';

/**
 * How to run flagsync again from where this process runs (`cwd`), for the next steps commands print:
 * - an installed package (under node_modules): `npx flagsync`, which finds it from the project it is installed in;
 * - a checkout: from its root `npx tsx src/cli/main.ts` (the TypeScript sources, as `npm start` runs them) or, built,
 *   `node bin/flagsync.js`; from anywhere else the checkout's `bin/flagsync.js` by its path (relative inside the
 *   checkout, absolute outside), which runs the build or, without one, the sources. Neither `flagsync` (not on the PATH) nor `npx tsx` (not installed there) works outside.
 */
export function commandName(cwd: string = process.cwd()): string {
  const fromSources = __filename.endsWith('.ts');
  // src/cli/command-name.ts or dist/src/cli/command-name.js
  const root = path.resolve(__dirname, fromSources ? '../..' : '../../..');
  if (root.split(path.sep).includes('node_modules')) return 'npx flagsync';
  const here = path.resolve(cwd) === root;
  if (here) return fromSources ? 'npx tsx src/cli/main.ts' : 'node bin/flagsync.js';
  const bin = path.join(root, 'bin', 'flagsync.js');
  // Inside the checkout by a relative path, outside it by the absolute one.
  const inside = !path.relative(root, path.resolve(cwd)).startsWith('..');
  return `node ${shellWord(inside ? path.relative(cwd, bin) : bin)}`;
}
