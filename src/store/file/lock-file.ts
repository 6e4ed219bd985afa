import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as t from 'io-ts';
import { isRight } from 'fp-ts/Either';
import type { LockAttempt, LockHolder, WriterLock } from '../types';
import { describeHolder } from '../holder';
import { describeFsError } from '../../files/durable-write';

/**
 * How long a lock may go unrefreshed before any run, on any host, may take it over. A holder refreshes it from a
 * timer every HEARTBEAT_MS, so a live holder lets it age only while its event loop is stalled or its volume does not
 * answer: the longest stalls we know of are parsing a 100k-flag state file (a JSON.parse of 1–2 s) and the GC pauses
 * beside it, and a network volume can take seconds over one write. 60 s is some 30 times the first, leaves room for
 * five refreshes in a row to fail, and still frees a killed container's lock within a minute: before a daemon's next
 * tick on most schedules. A holder paused for longer (SIGSTOP, a frozen VM) loses the lock, and notices before its
 * next state write (see HeldLock.verify).
 */
export const LEASE_MS = 60_000;

/** How often a holder refreshes its lock: six refreshes per lease, so a few slow or failed ones cost nothing. */
export const HEARTBEAT_MS = 10_000;

/** The lock file's content. `token` is new for each acquisition, so a holder can tell its own lock from a successor's. */
const LockCodec = t.intersection([t.type({ host: t.string, pid: t.number, since: t.string }), t.partial({ token: t.string })]);

/** What `link` fails with where a volume has no hard links. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV']);

/** Locks this process holds right now, with their text (a restarted container may get the pid its previous life recorded). */
const heldHere = new Map<string, string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock file as read, content and mtime through one open handle (on NFS, opening revalidates the attributes). */
export interface LockState {
  readonly text: string;
  /** Undefined when the content is not a lock this flagsync (or an earlier one) wrote. */
  readonly holder?: LockHolder;
  /** When its holder last refreshed it (or created it), as the filesystem stamped it (ms since the epoch). */
  readonly refreshedMs: number;
}

/**
 * What a lock is worth to a run that wants it. `ours`: this process holds it (as this host). `live`: refreshed
 * within the lease. `dead`: its holder was on this host and its process is gone. `expired`: not refreshed for a
 * lease period, from whatever host. `unknown`: a content no holder wrote, refreshed within the lease.
 */
export type LockVerdict = 'ours' | 'live' | 'dead' | 'expired' | 'unknown';

export interface LockFileOptions {
  /** Default LEASE_MS. */
  readonly leaseMs?: number;
  /** Default HEARTBEAT_MS. */
  readonly heartbeatMs?: number;
  /** The wall clock a lock's age is measured with (ms since the epoch), against its mtime. */
  readonly clock?: () => number;
  /** The state writes of the same backend check the lock through it before each write. */
  readonly fence?: LockFence;
}

async function readLock(file: string): Promise<LockState | undefined> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const { mtimeMs } = await handle.stat();
    const text = await handle.readFile('utf8');
    const holder = holderIn(text);
    return { text, refreshedMs: mtimeMs, ...(holder === undefined ? {} : { holder }) };
  } finally {
    await handle.close();
  }
}

function holderIn(text: string): LockHolder | undefined {
  try {
    const decoded = LockCodec.decode(JSON.parse(text));
    if (!isRight(decoded)) return undefined;
    const { host, pid, since } = decoded.right;
    return { host, pid, since };
  } catch {
    return undefined;
  }
}

/**
 * The file store's writer lock, a lease: a file created exclusively (O_EXCL, or a link) beside the state file,
 * holding the holder's host, pid, start time and a token of its own. While held it is refreshed every HEARTBEAT_MS
 * (its own bytes written again in place, so the filesystem stamps its mtime); a lock not refreshed for LEASE_MS is
 * stale from any host, and the next run takes it over (the caller warns). A lock whose holder was on this host and
 * whose process is gone is stale at once.
 *
 * Age is the reader's clock minus the lock's mtime, which the filesystem stamps (the holder's kernel on a local or
 * bind-mounted volume, the server on NFS). Hosts sharing a volume are assumed to keep their clocks within a few
 * seconds of each other (NTP): a reader whose clock runs ahead by most of a lease would take over a live lock (its
 * holder then stops before its next write, so state keeps one writer, but that run is cut short); one whose clock
 * runs behind, or a stamp from the future, makes a dead lock look fresh for that much longer (`flagsync state
 * unlock --force` removes it).
 *
 * A holder that lost the lock (paused for longer than the lease, then taken over; or removed with `state unlock
 * --force`) learns it from its next refresh, which aborts `lost`, or from its next state write, which the state
 * store checks first through the LockFence and refuses: nothing is written after the loss but what was already
 * under way between one check and its write (a single system call; storage that fences writes, PostgreSQL, has no
 * such gap).
 */
export class LockFile implements WriterLock {
  readonly leaseMs: number;
  readonly heartbeatMs: number;
  private readonly clock: () => number;
  private readonly fence: LockFence | undefined;

  constructor(
    readonly file: string,
    options: LockFileOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? LEASE_MS;
    this.heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
    this.clock = options.clock ?? Date.now;
    this.fence = options.fence;
  }

  async tryAcquire(me: LockHolder): Promise<LockAttempt> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const text = JSON.stringify({ host: me.host, pid: me.pid, since: me.since, token: randomBytes(16).toString('hex') });
    // Two rounds: the second follows the takeover of a stale lock.
    let tookOverFrom: LockHolder | undefined;
    for (let round = 0; round < 2; round++) {
      if (await this.create(text)) return this.held(text, tookOverFrom);
      const current = await this.read();
      if (current === undefined) continue; // released meanwhile
      const verdict = this.judge(current, me.host);
      // A content no holder wrote is left to `flagsync state unlock`: there is no one to name in the warning.
      if (current.holder === undefined || (verdict !== 'dead' && verdict !== 'expired')) return { acquired: false, holder: current.holder };
      if (!(await this.removeIfStill(current))) return { acquired: false, holder: current.holder };
      tookOverFrom = current.holder;
    }
    const current = await this.read();
    return { acquired: false, holder: current?.holder };
  }

  /** The lock as it is on disk now; undefined when there is none. */
  read(): Promise<LockState | undefined> {
    return readLock(this.file);
  }

  /** Whether `lock` (as read) may be taken over by a run on `host` (this host by default). */
  judge(lock: LockState, host: string = os.hostname()): LockVerdict {
    const holder = lock.holder;
    if (holder !== undefined && holder.host === host) {
      // Our own pid: held by another run of this process (a daemon's watch sync beside its full sync), or else left
      // by an earlier life of this container (pid 1 again).
      if (holder.pid === process.pid) return heldHere.get(this.file) === lock.text ? 'ours' : 'dead';
      if (!isAlive(holder.pid)) return 'dead';
    }
    if (this.ageMs(lock) > this.leaseMs) return 'expired';
    return holder === undefined ? 'unknown' : 'live';
  }

  /** How long ago the lock was last refreshed, by this host's clock (negative when its stamp is in the future). */
  ageMs(lock: LockState): number {
    return this.clock() - lock.refreshedMs;
  }

  /**
   * Moves the lock aside and checks it is the one judged (same content, not refreshed since): if another run took
   * it over or its holder refreshed it in between, it is put back (link fails only if a third run created one
   * meanwhile, which then holds it). False when it was put back; true when it is gone.
   */
  async removeIfStill(judged: LockState): Promise<boolean> {
    const aside = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
    try {
      await fs.rename(this.file, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
      throw error;
    }
    const moved = await readLock(aside);
    if (moved === undefined) return true; // gone from where it was put: nothing to remove or put back
    if (moved.text !== judged.text || moved.refreshedMs !== judged.refreshedMs) {
      await fs.link(aside, this.file).catch(() => undefined);
      await fs.unlink(aside).catch(() => undefined);
      return false;
    }
    await fs.unlink(aside);
    return true;
  }

  private held(text: string, tookOverFrom: LockHolder | undefined): LockAttempt {
    heldHere.set(this.file, text);
    const lock = new HeldLock(this.file, text, this.leaseMs, this.heartbeatMs);
    this.fence?.hold(lock);
    return {
      acquired: true,
      lost: lock.lost,
      release: async () => {
        lock.release();
        this.fence?.release(lock);
        if (heldHere.get(this.file) === text) heldHere.delete(this.file);
        const current = await readLock(this.file).catch(() => undefined);
        // Only our own lock is removed: after a takeover it belongs to another run.
        if (current?.text === text) await fs.unlink(this.file).catch(() => undefined);
      },
      ...(tookOverFrom === undefined ? {} : { tookOverFrom }),
    };
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
}

/**
 * A lock this process holds: refreshed every heartbeat from an unref'd timer until released, and checked before
 * each state write. Once the lock is found gone or another's (or could not be refreshed for a whole lease, after
 * which another run may have taken it), `lost` aborts with the reason and every later check throws it.
 */
export class HeldLock {
  private readonly controller = new AbortController();
  private readonly bytes: Buffer;
  /** When the lock was last refreshed, on the monotonic clock (a wall clock set back must not look like a stall). */
  private lastRefresh = performance.now();
  private readonly timer: NodeJS.Timeout;
  private refreshing = false;
  /** Released: a refresh still under way finds the lock gone, which is no loss. */
  private released = false;

  constructor(
    private readonly file: string,
    private readonly text: string,
    private readonly leaseMs: number,
    private readonly heartbeatMs: number,
  ) {
    this.bytes = Buffer.from(text);
    this.timer = setInterval(() => void this.heartbeat(), heartbeatMs);
    this.timer.unref();
  }

  get lost(): AbortSignal {
    return this.controller.signal;
  }

  /** Stops the refreshes, for good: the lock is being released. */
  release(): void {
    this.released = true;
    clearInterval(this.timer);
  }

  /**
   * Throws, and aborts `lost`, when the lock at the path is no longer this one; an I/O error is thrown as it is. A
   * refresh that is due (the timer was held up: a stall) is made here, and the lock read again after it: a run that
   * judged the lock stale before this refresh finds it refreshed when it moves it aside, and puts it back.
   */
  async verify(): Promise<void> {
    const due = performance.now() - this.lastRefresh >= this.heartbeatMs;
    await this.visit(due);
    if (due) await this.visit(false);
  }

  private async heartbeat(): Promise<void> {
    if (this.refreshing || this.lost.aborted) return;
    this.refreshing = true;
    try {
      await this.visit(true);
    } catch (error) {
      if (this.lost.aborted || this.released) return;
      const stale = performance.now() - this.lastRefresh;
      if (stale > this.leaseMs) {
        this.lose(
          `this run could not refresh its writer lock ${this.file} for ${Math.round(stale / 1000)} s (${describeFsError(error)}): ` +
            'another run may have taken it over, so this run writes no more state',
        );
      }
    } finally {
      this.refreshing = false;
    }
  }

  /** Checks the lock at the path is this one (and with `refresh`, writes its bytes again so its mtime moves). */
  private async visit(refresh: boolean): Promise<void> {
    if (this.lost.aborted) throw this.lost.reason;
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(this.file, refresh ? 'r+' : 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      throw this.lose(
        `this run's writer lock ${this.file} was removed (by \`flagsync state unlock --force\`, or by a run that found it ` +
          'stale): another run may be writing, so this run writes no more state',
      );
    }
    try {
      const text = await handle.readFile('utf8');
      if (text !== this.text) {
        throw this.lose(
          `this run's writer lock ${this.file} was taken over by ${describeHolder(holderIn(text))} (other runs take a lock ` +
            `not refreshed for ${Math.round(this.leaseMs / 1000)} s: this process was stalled or paused, or its volume did not ` +
            'answer): another run may be writing, so this run writes no more state',
        );
      }
      if (refresh) {
        await handle.write(this.bytes, 0, this.bytes.length, 0);
        this.lastRefresh = performance.now();
      }
    } finally {
      await handle.close().catch(() => undefined);
    }
  }

  /** Aborts `lost` (unless released meanwhile, or lost already) and answers the reason, to be thrown. */
  private lose(why: string): Error {
    clearInterval(this.timer);
    if (!this.lost.aborted && !this.released) this.controller.abort(new Error(why));
    return this.lost.aborted ? (this.lost.reason as Error) : new Error(why);
  }
}

/**
 * What the file store's state writes share with the writer lock of the same backend: while this process holds the
 * lock, each write first checks the lock is still its own (HeldLock.verify) and is refused, with the reason, once it
 * is not. Without a lock held (`status`, `state migrate` reading a file): no check.
 */
export class LockFence {
  private held: HeldLock | undefined;

  hold(lock: HeldLock): void {
    this.held = lock;
  }

  release(lock: HeldLock): void {
    if (this.held === lock) this.held = undefined;
  }

  async check(): Promise<void> {
    await this.held?.verify();
  }
}
