import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isLeft } from 'fp-ts/Either';
import type { JiraClient } from '../jira/types';
import type { Logger } from '../log';
import { describeFsError, makeFolderDurably, syncFolder, writeFileAtomic } from '../files/durable-write';
import { deliver, type Delivery } from './deliver';
import { describeEvent, SpooledEventCodec, type SendEvent } from './event';

/**
 * The spool: builds and deployments that could not reach Jira, one JSON file each, written durably (temp file,
 * fsync, rename, fsync of the folder) so a crash leaves a whole event or none. Files are named by time so they drain
 * in the order they were sent; each keeps its original updateSequenceNumber, so a late delivery never overwrites
 * newer data in Jira. Events Jira refuses (rejected, or a 400/413 for the event itself) move to `rejected/`, kept for
 * a person to look at and never retried.
 */
const SUFFIX = '.event.json';
export const REJECTED_FOLDER = 'rejected';

/** Another drain (the daemon and `send drain` at once) already delivered or moved this file. */
function goneAlready(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/** Spooling failed. `kept`: the event's file is in the folder anyway (only the folder's fsync after the rename failed). */
export class SpoolWriteError extends Error {
  override readonly name = 'SpoolWriteError';
  constructor(
    message: string,
    readonly file: string,
    readonly kept: boolean,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

/** Writes one event to `dir` (created if needed); resolves with the file once it is on disk. */
export async function spoolEvent(dir: string, event: SendEvent, now: number): Promise<string> {
  const name = `${String(now).padStart(15, '0')}-${event.kind}-${randomBytes(4).toString('hex')}${SUFFIX}`;
  const file = path.join(dir, name);
  try {
    await makeFolderDurably(dir);
    await writeFileAtomic(file, JSON.stringify({ version: 1, spooledAt: new Date(now).toISOString(), event }));
  } catch (error) {
    const kept = await fs.access(file).then(
      () => true,
      () => false,
    );
    throw new SpoolWriteError(`cannot spool to ${dir} (${describeFsError(error)})`, file, kept, { cause: error });
  }
  return file;
}

/** Spooled event files in send order; a missing folder is an empty spool. */
export async function spooledFiles(dir: string): Promise<string[]> {
  try {
    const names = await fs.readdir(dir);
    return names
      .filter((n) => n.endsWith(SUFFIX))
      .sort()
      .map((n) => path.join(dir, n));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

export interface DrainReport {
  readonly delivered: number;
  readonly rejected: ReadonlyArray<{ readonly file: string; readonly reason: string }>;
  /** Still in the spool: Jira was unreachable (draining stops at the first such event) or not tried yet. */
  readonly remaining: number;
  readonly stoppedBy?: string;
  /** Stopped by jira.site and jira.cloudId naming different sites: the config must change first. */
  readonly configConflict?: true;
}

/** Resolves with the new place, or undefined when another drain already moved the file. */
async function moveToRejected(file: string, reason: string): Promise<string | undefined> {
  const folder = path.join(path.dirname(file), REJECTED_FOLDER);
  await makeFolderDurably(folder);
  const target = path.join(folder, path.basename(file));
  try {
    await fs.rename(file, target);
  } catch (error) {
    if (goneAlready(error)) return undefined;
    throw error;
  }
  // Both entries changed: the file left the spool and arrived in rejected/.
  await syncFolder(path.dirname(file));
  await syncFolder(folder);
  await writeFileAtomic(`${target}.reason.txt`, `${reason}\n`);
  return target;
}

/** A spooled event and when it was spooled; or why the file cannot be used. */
interface Spooled {
  readonly event: SendEvent;
  readonly spooledAt: number;
}

async function readEvent(file: string): Promise<Spooled | string> {
  let json: unknown;
  try {
    json = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (error) {
    if (goneAlready(error)) throw error;
    return `not a readable spool file: ${(error as Error).message}`;
  }
  const decoded = SpooledEventCodec.decode(json);
  if (isLeft(decoded)) return 'not a flagsync spool file (version 1)';
  const spooledAt = Date.parse(decoded.right.spooledAt);
  return { event: (json as { event: SendEvent }).event, spooledAt: Number.isNaN(spooledAt) ? 0 : spooledAt };
}

/**
 * How long after it was spooled an event Jira's answers leave unlisted may stay (tried on every drain); past that, its
 * next unlisted answer moves it to `rejected/`: an answer naming neither outcome says nothing final, but one that never
 * does must not keep it forever.
 */
export const UNLISTED_KEPT_MS = 7 * 24 * 3600_000;

/**
 * Submits every spooled event, oldest first, removing each only once Jira accepted it. Stops at the first event Jira
 * cannot be reached for (the rest would fail the same way); an event Jira refuses moves to `rejected/`; one Jira's
 * answer does not list stays for the next drain (for UNLISTED_KEPT_MS) without holding up the rest.
 * Two drains may run at once (the daemon and `send drain`): a file the other one already removed is skipped, and an
 * event both sent arrives twice with the same updateSequenceNumber, which Jira ignores.
 */
/**
 * A 400 or 413 is Jira's answer about this event's request (malformed, too large): it will never be accepted, so it
 * moves aside. Anything else (refused credentials, a missing permission, an unreadable answer, an answer that does
 * not list it) may go once an admin fixed something or Jira answers in full: the event waits in the spool.
 */
export function refusesTheEvent(failure: Extract<Delivery, { status: 'failed' }>): boolean {
  return failure.reason === 'refused' && (failure.httpStatus === 400 || failure.httpStatus === 413);
}

export async function drainSpool(
  dir: string,
  client: JiraClient,
  logger: Logger,
  properties?: Readonly<Record<string, string>>,
  now: () => number = Date.now,
): Promise<DrainReport> {
  const files = await spooledFiles(dir);
  let delivered = 0;
  // Events whose answer did not list them: they stay, and the events after them go on.
  let kept = 0;
  const rejected: { file: string; reason: string }[] = [];
  const reject = async (file: string, reason: string) => {
    const target = await moveToRejected(file, reason);
    if (target !== undefined) rejected.push({ file: target, reason });
  };
  for (const [index, file] of files.entries()) {
    let spooled: Spooled | string;
    try {
      spooled = await readEvent(file);
    } catch (error) {
      if (goneAlready(error)) continue;
      throw error;
    }
    if (typeof spooled === 'string') {
      await reject(file, spooled);
      continue;
    }
    const { event } = spooled;
    const result = await deliver(client, event, properties);
    if (result.status === 'accepted') {
      try {
        await fs.unlink(file);
        await syncFolder(dir);
      } catch (error) {
        if (!goneAlready(error)) throw error;
      }
      delivered++;
      logger.info({ file: path.basename(file), id: result.id }, `spool: ${describeEvent(event)} delivered`);
    } else if (result.status === 'unreachable') {
      logger.warn({ remaining: kept + files.length - index, error: result.error }, 'spool: Jira unreachable; events stay spooled');
      return { delivered, rejected, remaining: kept + files.length - index, stoppedBy: result.error };
    } else if (result.status === 'failed' && result.reason === 'unlisted' && now() - spooled.spooledAt < UNLISTED_KEPT_MS) {
      // About this event alone, and nothing final: it is tried again next drain; the ones after it go now.
      kept++;
      logger.warn({ file: path.basename(file), id: result.id, error: result.error }, `spool: ${describeEvent(event)} stays spooled`);
    } else if (result.status === 'failed' && result.reason !== 'unlisted' && !refusesTheEvent(result)) {
      // Refused credentials or a missing permission: an admin can fix that, so the events wait for them.
      logger.error({ error: result.error }, 'spool: Jira refused the request; events stay spooled');
      return {
        delivered,
        rejected,
        remaining: kept + files.length - index,
        stoppedBy: result.error,
        ...(result.configConflict === true && { configConflict: true as const }),
      };
    } else {
      const reason =
        result.status === 'rejected'
          ? `rejected by Jira: ${result.messages.join('; ')}`
          : result.reason === 'unlisted'
            ? `${result.error}, and it was spooled more than ${Math.round(UNLISTED_KEPT_MS / 86_400_000)} days ago`
            : result.error;
      await reject(file, reason);
      logger.error(
        { file: path.basename(file), id: result.id, reason },
        `spool: ${describeEvent(event)} refused; moved to ${REJECTED_FOLDER}/`,
      );
    }
  }
  return { delivered, rejected, remaining: kept };
}
