import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** Whether a process with this pid runs on this host (EPERM: it exists, another user's). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Removes what a killed run left beside the state files: the temp file of an atomic write (`<file>.<pid>.<ms>.tmp`),
 * the writability probe (`<state>.<pid>.probe`) and the lock's staging file (`<state>.lock.<pid>.<hex>.new`). Each
 * names its process, so only those of processes gone from this host go; called by the writer lock's new holder, as no
 * other run writes meanwhile. Resolves with the names removed; a file that cannot be removed is left for next time.
 */
export async function removeLeftovers(files: readonly string[], dir: string): Promise<string[]> {
  const names = files.map((file) => escape(path.basename(file)));
  const pattern = new RegExp(`^(?:${names.join('|')})\\.(\\d+)\\.(?:\\d+\\.tmp|probe|[0-9a-f]+\\.new)$`);
  let entries: string[];
  try {
    entries = await fs.readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of entries) {
    const pid = pattern.exec(name)?.[1];
    if (pid === undefined || Number(pid) === process.pid || isAlive(Number(pid))) continue;
    await fs.rm(path.join(dir, name), { force: true }).then(
      () => removed.push(name),
      () => undefined,
    );
  }
  return removed;
}
