import { createHash } from 'node:crypto';
import { watch as watchFolder, type FSWatcher } from 'node:fs';
import { readFile, realpath } from 'node:fs/promises';
import * as path from 'node:path';
import { conditionalGetVersion, pollForChanges, type Logger, type SourceAdapter } from '../../src/kit';
import type { SourceLocation } from './read';

type FileLocation = Extract<SourceLocation, { kind: 'file' }>;

/**
 * Watch mode for flagd sources. A local file is watched through its folder, not the file itself: editors save by
 * writing a new file and renaming it over the old one, and a Kubernetes ConfigMap update swaps the `..data` symlink
 * the files point through, so a watch on the file would stay on the replaced inode and fall silent. Any event in the
 * folder (or in the folder the file really lives in, through symlinks) re-reads the file, and only new bytes announce
 * a change. A slow re-read every poll interval covers what events miss (network file systems, a folder replaced).
 * An http(s) source is polled with If-None-Match.
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

/** The file's bytes hashed; undefined while it cannot be read (mid-replace, or gone: the schedule sees that). */
async function digestOf(file: string): Promise<string | undefined> {
  try {
    return createHash('sha256')
      .update(await readFile(file))
      .digest('base64url');
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
  const watchers = new Map<string, FSWatcher>();
  let digest = await digestOf(location.path);
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
        const now = await digestOf(location.path);
        if (now !== undefined && now !== digest) {
          digest = now;
          if (!signal.aborted) onChange();
        }
        await watchFolders();
      } while (again && !signal.aborted);
    })().finally(() => (checking = undefined));
  };

  /** Watches the file's folders as they are now (a symlink may point elsewhere since the last check). */
  async function watchFolders(): Promise<void> {
    const wanted = await foldersOf(location.path);
    for (const [folder, watcher] of watchers) {
      if (!wanted.includes(folder)) {
        watcher.close();
        watchers.delete(folder);
      }
    }
    for (const folder of wanted) {
      if (watchers.has(folder) || signal.aborted) continue;
      try {
        const watcher = watchFolder(folder, { persistent: false }, check);
        watcher.on('error', (error) => {
          logger.debug({ folder, err: error }, 'watch: folder watch ended; the next check starts it again');
          watcher.close();
          if (watchers.get(folder) === watcher) watchers.delete(folder);
        });
        watchers.set(folder, watcher);
      } catch (error) {
        logger.debug({ folder, err: error }, 'watch: cannot watch the folder yet; checking on the interval');
      }
    }
  }

  await watchFolders();
  const timer = setInterval(check, pollIntervalMs);
  timer.unref();
  signal.addEventListener(
    'abort',
    () => {
      clearInterval(timer);
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
    { once: true },
  );
}
