import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as t from 'io-ts';
import { isRight } from 'fp-ts/Either';
import type { LockAttempt, LockHolder, WriterLock } from '../types';
import { describeFsError } from '../../files/durable-write';
import { isAlive } from './leftovers';

const HolderCodec = t.type({ host: t.string, pid: t.number, since: t.string });

/** What `link` fails with where a volume has no hard links. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV']);

/** Locks this process holds right now (a restarted container may get the pid its previous life recorded). */
const heldHere = new Set<string>();

async function readHolder(file: string): Promise<{ text: string; holder?: LockHolder } | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const decoded = HolderCodec.decode(JSON.parse(text));
    return isRight(decoded) ? { text, holder: decoded.right } : { text };
  } catch {
    return { text };
  }
}

/**
 * The file store's writer lock: a file created exclusively (O_EXCL) beside the state file, holding the holder's
 * host, pid and start time. A holder on this host whose process is gone left a stale lock, which the next run takes
 * over (the caller warns). A holder on another host cannot be checked from here, so its lock stands until removed.
 */
export class LockFile implements WriterLock {
  /** `onAcquired`: runs once the lock is this process's (the file store removes what killed runs left behind). */
  constructor(
    readonly file: string,
    private readonly onAcquired?: () => Promise<void>,
  ) {}

  leftBehindHint(holder: LockHolder): string {
    return `if nothing of flagsync runs on host ${holder.host} any more (a container killed mid-run), remove ${this.file}`;
  }

  async tryAcquire(me: LockHolder): Promise<LockAttempt> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const text = JSON.stringify(me);
    // Two rounds: the second follows the takeover of a stale lock.
    let tookOverFrom: LockHolder | undefined;
    for (let round = 0; round < 2; round++) {
      if (await this.create(text)) {
        heldHere.add(this.file);
        await this.onAcquired?.().catch(() => undefined);
        return { acquired: true, release: () => this.release(text), ...(tookOverFrom === undefined ? {} : { tookOverFrom }) };
      }
      const current = await readHolder(this.file);
      if (current === undefined) continue; // released meanwhile
      if (current.holder === undefined || !this.isStale(current.holder, me)) return { acquired: false, holder: current.holder };
      if (!(await this.removeIfStill(current.text))) return { acquired: false, holder: current.holder };
      tookOverFrom = current.holder;
    }
    const current = await readHolder(this.file);
    return { acquired: false, holder: current?.holder };
  }

  /**
   * Creates the lock file holding `text`, whole or not at all; false when it exists. The text is written to a file of
   * its own first and then linked in place (link, like O_EXCL, fails when the name exists): a run killed between
   * creating the lock and writing it would leave an empty lock, held by an unknown holder for every later run.
   */
  private async create(text: string): Promise<boolean> {
    const written = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.new`;
    try {
      const handle = await fs.open(written, 'wx', 0o600);
      try {
        await handle.writeFile(text);
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch (error) {
      await fs.unlink(written).catch(() => undefined);
      throw new Error(`cannot write the writer lock ${this.file} (${describeFsError(error)})`, { cause: error });
    }
    try {
      await fs.link(written, this.file);
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return false;
      // A volume without hard links (some SMB, FAT, FUSE object-store mounts): created exclusively, then written.
      if (code !== undefined && NO_HARD_LINKS.has(code)) return this.createInPlace(text);
      throw new Error(`cannot create the writer lock ${this.file} (${describeFsError(error)})`, { cause: error });
    } finally {
      await fs.unlink(written).catch(() => undefined);
    }
  }

  /** O_EXCL, then the text: on volumes without links; a lock that could not be written is removed again. */
  private async createInPlace(text: string): Promise<boolean> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(this.file, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw new Error(`cannot create the writer lock ${this.file} (${describeFsError(error)})`, { cause: error });
    }
    try {
      await handle.writeFile(text);
      await handle.sync();
    } catch (error) {
      await handle.close().catch(() => undefined);
      await fs.unlink(this.file).catch(() => undefined);
      throw new Error(`cannot write the writer lock ${this.file} (${describeFsError(error)})`, { cause: error });
    }
    await handle.close();
    return true;
  }

  private isStale(holder: LockHolder, me: LockHolder): boolean {
    if (holder.host !== me.host) return false;
    if (holder.pid === process.pid) return !heldHere.has(this.file);
    return !isAlive(holder.pid);
  }

  /**
   * Moves the lock aside and checks it is the one judged stale; if another run took it over in between, that
   * run's lock is put back (link fails only if a third run created one meanwhile, which then holds it).
   */
  private async removeIfStill(staleText: string): Promise<boolean> {
    const aside = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
    try {
      await fs.rename(this.file, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
      throw error;
    }
    const moved = await fs.readFile(aside, 'utf8');
    if (moved !== staleText) {
      await fs.link(aside, this.file).catch(() => undefined);
      await fs.unlink(aside);
      return false;
    }
    await fs.unlink(aside);
    return true;
  }

  private async release(text: string): Promise<void> {
    heldHere.delete(this.file);
    const current = await readHolder(this.file);
    // Only our own lock is removed: after a takeover (we were judged dead) it belongs to another run.
    if (current?.text === text) await fs.unlink(this.file).catch(() => undefined);
  }
}
