import { access } from 'node:fs/promises';
import * as path from 'node:path';
import { runGit } from './git';

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Keeps a bare mirror of `remote` in `dir`: cloned on first use, then `git fetch --prune` so deleted branches
 * disappear from the mirror too (and so from Jira). Returns the mirror's git folder.
 */
export async function updateMirror(remote: string, dir: string, signal: AbortSignal): Promise<string> {
  if (await exists(path.join(dir, 'HEAD'))) {
    await runGit(['fetch', '--prune', '--quiet', 'origin'], { cwd: dir, signal });
    return dir;
  }
  await runGit(['clone', '--mirror', '--quiet', '--', remote, dir], { signal });
  return dir;
}
