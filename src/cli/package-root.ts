import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** The flagsync package folder (source checkout or installed package), found from this file's location. */
export function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'flagsync') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the flagsync package folder');
    dir = parent;
  }
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}
