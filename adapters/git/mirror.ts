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
 * disappear from the mirror too (and so from Jira). A mirror whose origin is not `remote` (the config names a moved
 * repository, a corrected URL, a new token in it) is pointed at it first: its refs then become the remote's, and
 * the old repository's branches are pruned. Returns the mirror's git folder.
 */
export async function updateMirror(remote: string, dir: string, signal: AbortSignal): Promise<string> {
  if (await exists(path.join(dir, 'HEAD'))) {
    const origin = (await runGit(['remote', 'get-url', 'origin'], { cwd: dir, signal })).trim();
    if (origin !== remote) await runGit(['remote', 'set-url', 'origin', remote], { cwd: dir, signal });
    await runGit(['fetch', '--prune', '--quiet', 'origin'], { cwd: dir, signal });
    return dir;
  }
  await runGit(['clone', '--mirror', '--quiet', '--', remote, dir], { signal });
  return dir;
}
