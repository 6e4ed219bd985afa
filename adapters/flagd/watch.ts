import { watch as watchFolder, type FSWatcher } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { conditionalGetVersion, pollForChanges, type Logger, type SourceAdapter } from '../../src/kit';
import { digestOf } from './digest';
import type { SourceLocation } from './read';

type FileLocation = Extract<SourceLocation, { kind: 'file' }>;

/**
 * Watch mode for flagd sources. A local file is watched through its folder, not the file itself: editors save by
 * writing a new file and renaming it over the old one, and a Kubernetes ConfigMap update swaps the `..data` symlink
 * the files point through, so a watch on the file would stay on the replaced inode and fall silent. Any event in the
 * folder (or in the folder the file really lives in, through symlinks) re-reads the file, and only new bytes announce
 * a change. A folder deleted and made again is watched anew at the next check (its old watch hears nothing more). A
 * slow re-read every poll interval covers what events miss (network file systems). An http(s) source is polled with
 * If-None-Match.
 */
export function watchFlagdSources(
  plan: readonly { readonly location: SourceLocation }[],
  headers: Readonly<Record<string, string>> | undefined,
  logger: Logger,
): NonNullable<SourceAdapter['watch']> {
  const unique = [...new Map(plan.map(({ location }) => [location.url, location])).values()];
  return async (onChange, signal, pollIntervalMs) => {
    await Promise.all(
      unique.map((location) =>
        location.kind === 'file'
          ? watchFile(location, onChange, signal, pollIntervalMs, logger)
          : pollForChanges({
              intervalMs: pollIntervalMs,
              signal,
              onChange,
              logger,
              what: location.label,
              poll: (s, previous) => conditionalGetVersion(location.url, location.label, previous, s, { headers: headers ?? {} }),
            }),
      ),
    );
  };
}

/** How long new bytes must stay to count as a change (a write in place passes through a short file). */
const SETTLE_MS = 50;

/** The file's bytes hashed; undefined while it cannot be read (mid-replace, or gone: the schedule sees that). */
async function fileDigest(file: string): Promise<string | undefined> {
  try {
    return await digestOf(await readFile(file));
  } catch {
    return undefined;
  }
}

/** Which folder is at `folder` now (device and inode); undefined while there is none. */
async function identityOf(folder: string): Promise<string | undefined> {
  try {
    const { dev, ino } = await stat(folder);
    return `${dev}:${ino}`;
  } catch {
    return undefined;
  }
}

async function foldersOf(file: string): Promise<string[]> {
  const folders = [path.dirname(file)];
  try {
    const real = path.dirname(await realpath(file));
    if (!folders.includes(real)) folders.push(real);
  } catch {
    // Not there right now; its own folder is watched, and the next check looks again.
  }
  return folders;
}

async function watchFile(
  location: FileLocation,
  onChange: () => void,
  signal: AbortSignal,
  pollIntervalMs: number,
  logger: Logger,
): Promise<void> {
  /** Each watched folder's watcher, and which folder it is (device and inode): a folder replaced is another one. */
  const watchers = new Map<string, { readonly watcher: FSWatcher; readonly identity: string }>();
  const poll: { timer?: NodeJS.Timeout } = {};
  // Listening before the first await: a start cut short (a stop, the start's time limit) must not leave watches open.
  signal.addEventListener(
    'abort',
    () => {
      clearInterval(poll.timer);
      for (const { watcher } of watchers.values()) watcher.close();
      watchers.clear();
    },
    { once: true },
  );
  let digest = await fileDigest(location.path);
  let checking: Promise<void> | undefined;
  let again = false;

  /** One check at a time; events during a check cause one more after it. */
  const check = (): void => {
    if (signal.aborted) return;
    if (checking !== undefined) {
      again = true;
      return;
    }
    checking = (async () => {
      do {
        again = false;
        // Folders first, then the bytes: a write after this read is heard by the watches as they now are.
        await watchFolders();
        const now = await fileDigest(location.path);
        if (now === undefined || now === digest) continue;
        // A file written in place reads short for a moment (truncated, then written): only bytes that stay are a change.
        await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
        if ((await fileDigest(location.path)) !== now) {
          again = true;
          continue;
        }
        digest = now;
        if (!signal.aborted) onChange();
      } while (again && !signal.aborted);
    })().finally(() => (checking = undefined));
  };

  /**
   * Watches the file's folders as they are now: a symlink may point elsewhere since the last check, and a folder may
   * have been deleted and made again (a deploy swapping it), whose old watcher hears nothing more and reports no error.
   */
  async function watchFolders(): Promise<void> {
    const wanted = await foldersOf(location.path);
    const identities = new Map(await Promise.all(wanted.map(async (folder) => [folder, await identityOf(folder)] as const)));
    for (const [folder, { watcher, identity }] of watchers) {
      if (!wanted.includes(folder) || identities.get(folder) !== identity) {
        watcher.close();
        watchers.delete(folder);
      }
    }
    for (const folder of wanted) {
      const identity = identities.get(folder);
      if (watchers.has(folder) || identity === undefined || signal.aborted) continue;
      try {
        const watcher = watchFolder(folder, { persistent: false }, (event, name) => {
          // The folder itself deleted or moved (Linux names it in a rename): this watch hears nothing more, and a folder
          // made in its place may even have its inode number, so it is dropped here, to be watched anew by the check.
          if (event === 'rename' && name === path.basename(folder) && watchers.get(folder)?.watcher === watcher) {
            watcher.close();
            watchers.delete(folder);
          }
          check();
        });
        watcher.on('error', (error) => {
          logger.debug({ folder, err: error }, 'watch: folder watch ended; the next check starts it again');
          watcher.close();
          if (watchers.get(folder)?.watcher === watcher) watchers.delete(folder);
        });
        watchers.set(folder, { watcher, identity });
      } catch (error) {
        logger.debug({ folder, err: error }, 'watch: cannot watch the folder yet; checking on the interval');
      }
    }
  }

  await watchFolders();
  if (signal.aborted) return;
  poll.timer = setInterval(check, pollIntervalMs);
  poll.timer.unref();
}
