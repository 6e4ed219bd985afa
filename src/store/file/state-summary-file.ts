import { promises as fs } from 'node:fs';
import * as t from 'io-ts';
import { writeFileAtomic } from '../../files/durable-write';
import type { StateSummary } from '../../reconcile/state';
import { SourceRecordCodec } from './state-codecs';

const HoldingsCodec = t.record(t.string, t.type({ n: t.number, dirty: t.boolean }));
const SummaryFileCodec = t.type({
  version: t.literal(1),
  /** The snapshot this summarizes, as `snapshotIdentity` gave it. */
  snapshot: t.string,
  sources: t.record(t.string, SourceRecordCodec),
  holdings: t.partial({ featureflags: HoldingsCodec, builds: HoldingsCodec, deployments: HoldingsCodec, devinfo: HoldingsCodec }),
});

/**
 * Which file a snapshot is: a save renames a new file into place (a new inode and time), and so does anyone
 * restoring or editing it, so a summary naming another identity describes other records.
 */
export async function snapshotIdentity(target: string | fs.FileHandle): Promise<string> {
  const stat = typeof target === 'string' ? await fs.stat(target, { bigint: true }) : await target.stat({ bigint: true });
  return `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}`;
}

/**
 * The summary kept beside the state file (`state.json.summary`), when it still describes what `load` would return:
 * no journal is pending and the snapshot is the one it was made from. It is a cache: anything else, including a
 * summary that cannot be read, answers undefined and the run loads state as before.
 */
export async function readSummary(summaryFile: string, snapshotFile: string, journalFile: string): Promise<StateSummary | undefined> {
  try {
    if (await exists(journalFile)) return undefined;
    const json: unknown = JSON.parse(await fs.readFile(summaryFile, 'utf8'));
    if (!SummaryFileCodec.is(json)) return undefined;
    if (json.snapshot !== (await snapshotIdentity(snapshotFile))) return undefined;
    return { sources: json.sources, holdings: json.holdings };
  } catch {
    return undefined;
  }
}

/** Best effort: a summary that cannot be written only means the next run loads state. */
export async function writeSummary(summaryFile: string, snapshot: string, summary: StateSummary): Promise<void> {
  const body: t.TypeOf<typeof SummaryFileCodec> = { version: 1, snapshot, sources: { ...summary.sources }, holdings: summary.holdings };
  await writeFileAtomic(summaryFile, JSON.stringify(body)).catch(() => undefined);
}

/** Whether `file` exists (the journal's presence decides whether a summary can be trusted). */
export async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
