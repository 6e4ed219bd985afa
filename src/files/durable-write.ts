/** Durable file writes, written once for everything flagsync keeps on disk: state, run log, writer lock, spool. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** Makes a folder's entries (a rename, a new file) durable. */
export async function syncFolder(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Creates `dir` and any missing parents; each new folder's entry is fsynced in its parent, so it survives a crash. */
export async function makeFolderDurably(dir: string): Promise<void> {
  const first = await fs.mkdir(dir, { recursive: true });
  if (first === undefined) return;
  for (let folder = path.resolve(dir); ; folder = path.dirname(folder)) {
    await syncFolder(path.dirname(folder));
    if (folder === path.resolve(first) || folder === path.dirname(folder)) break;
  }
}

/**
 * Writes `text` to `file` so a crash leaves the old or the new content, never a torn file (temp, fsync, rename,
 * fsync of the folder). A failed write removes its temp file: on a full disk, every retry would otherwise leave one.
 */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const dir = path.dirname(file);
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    await makeFolderDurably(dir);
    const handle = await fs.open(temp, 'w', 0o600);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
  await syncFolder(dir);
}

/** `ENOSPC: no space left on device`: an fs error in one short line (the code and what it means, no call details). */
export function describeFsError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code !== undefined ? `${e.code}: ${e.message.split(', ')[0]!.replace(/^\w+: /, '')}` : String(e.message ?? error);
}
