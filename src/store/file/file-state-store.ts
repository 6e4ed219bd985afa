import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { decodeOrThrow } from '../../kit/decode';
import { emptyState, summarize, type StateSummary, type SyncState } from '../../reconcile/state';
import { applyRecordChange, type RecordChange, type StateStore } from '../../reconcile/state-store';
import { seedFirstSyncs } from '../../reconcile/devinfo-send-mode';
import { describeFsError, syncFolder, writeFileAtomic } from '../../files/durable-write';
import { journalLine, readJournalLine } from './journal-line';
import { isStateFile, StateFileCodec } from './state-codecs';
import { exists, readSummary, snapshotIdentity, writeSummary } from './state-summary-file';

/** Room the probe write asks for: a full disk fails here, before anything is sent. */
const PROBE_BYTES = 16 * 1024;

/**
 * The record of what Jira accepted, on disk: a snapshot (`state.json`) and, beside it, an append-only journal
 * (`state.json.journal`) of the changes since. `append` adds one JSON line and fsyncs it, so marking a batch in
 * flight costs one small write however large the state is; `save` writes the whole snapshot atomically (temp file,
 * fsync, rename, fsync of the folder) and then drops the journal. `load` replays the journal over the snapshot; a
 * torn line (a crash during an append) is skipped, and since a batch is sent only after its append returned,
 * nothing sent is lost. A missing file is an empty state: Jira may already hold things, and resending them
 * is harmless because sequence ids only grow.
 */
export class FileStateStore implements StateStore {
  readonly journal: string;
  /** `summarize` of the snapshot, for runs that end without loading it (state-summary-file.ts). */
  readonly summary: string;
  /** The journal, open from a run's first append to its save (see startJournal). */
  private journalHandle: fs.FileHandle | undefined;
  /** Identity of the snapshot the last `load` read, when no journal was replayed over it. */
  private loadedSnapshot: string | undefined;
  constructor(readonly file: string) {
    this.journal = `${file}.journal`;
    this.summary = `${file}.summary`;
  }

  readonly loadSummary = async (): Promise<StateSummary | undefined> => readSummary(this.summary, this.file, this.journal);

  /**
   * A state saved before summaries existed (or whose summary was lost) gets one once a run found nothing to change,
   * so the next unchanged run can skip loading it. Only for the snapshot the last load read with no journal, and only
   * while it is still in place and no journal appeared: anything else and the next save writes the summary.
   */
  readonly keepSummary = async (state: SyncState): Promise<void> => {
    const identity = this.loadedSnapshot;
    if (identity === undefined || (await exists(this.journal))) return;
    try {
      if ((await snapshotIdentity(this.file)) !== identity) return;
    } catch {
      return;
    }
    await writeSummary(this.summary, identity, summarize(state));
  };

  readonly load = async (): Promise<SyncState> => {
    await this.closeJournal();
    const { state, identity } = await this.loadSnapshot();
    const journal = await this.readJournal();
    this.loadedSnapshot = identity !== undefined && journal.length === 0 ? identity : undefined;
    for (const changes of journal) for (const change of changes) applyRecordChange(state, change);
    return state;
  };

  readonly append = async (changes: readonly RecordChange[]): Promise<void> => {
    if (changes.length === 0) return;
    try {
      const handle = this.journalHandle ?? (await this.startJournal());
      await handle.appendFile(`${journalLine(changes)}\n`);
      await handle.sync();
    } catch (error) {
      await this.closeJournal();
      throw new Error(`cannot write the state journal ${this.journal} (${describeFsError(error)})`, { cause: error });
    }
  };

  /**
   * Opens the journal for the appends of a run (a run appends once per batch: opening the file each time was a
   * tenth of an append's cost). It stays open until the run's save, or the next load, closes it; while it is open
   * the run holds the state's lock, so nothing else removes or replaces the file under it.
   */
  private async startJournal(): Promise<fs.FileHandle> {
    const dir = path.dirname(this.file);
    const handle = await openJournal(this.journal, dir);
    try {
      // Empty means just created (`save` removes the journal): its entry in the folder must be made durable too.
      const { size } = await handle.stat();
      // A torn last line (a crash during an append) must not swallow the next line: start on a fresh line.
      if (size > 0 && (await newlineNeeded(handle, size)) !== '') {
        await handle.appendFile('\n');
        await handle.sync();
      }
      if (size === 0) await syncFolder(dir);
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
    this.journalHandle = handle;
    return handle;
  }

  private async closeJournal(): Promise<void> {
    const handle = this.journalHandle;
    this.journalHandle = undefined;
    await handle?.close().catch(() => undefined);
  }

  readonly save = async (state: SyncState): Promise<void> => {
    await this.closeJournal();
    try {
      // The summary goes first: a crash before the new one is written leaves none, never one of the old snapshot.
      await fs.rm(this.summary, { force: true });
      // Always with `repositories`, even empty: its absence marks a snapshot written before it existed (see load).
      await writeFileAtomic(this.file, JSON.stringify(state.repositories === undefined ? { ...state, repositories: {} } : state));
    } catch (error) {
      throw new Error(`cannot save the state file ${this.file} (${describeFsError(error)})`, { cause: error });
    }
    // The snapshot holds every journalled change now. A crash before this line replays an old journal over the new
    // snapshot, which only marks entities in flight again or repeats deletes: harmless.
    await fs.rm(this.journal, { force: true });
    await writeSummary(this.summary, await snapshotIdentity(this.file), summarize(state));
  };

  readonly checkWritable = async (): Promise<void> => {
    const dir = path.dirname(this.file);
    const probe = `${this.file}.${process.pid}.probe`;
    try {
      await fs.mkdir(dir, { recursive: true });
      const handle = await fs.open(probe, 'w', 0o600);
      try {
        await handle.writeFile(Buffer.alloc(PROBE_BYTES));
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch (error) {
      throw new Error(`the state folder ${dir} cannot be written (${describeFsError(error)})`, { cause: error });
    } finally {
      await fs.rm(probe, { force: true }).catch(() => undefined);
    }
  };

  /** The snapshot, and the identity of the file it was read from (undefined when there is none yet). */
  private async loadSnapshot(): Promise<{ state: SyncState; identity?: string }> {
    let text: string;
    let identity: string;
    try {
      const handle = await fs.open(this.file, 'r');
      try {
        identity = await snapshotIdentity(handle);
        text = await handle.readFile('utf8');
      } finally {
        await handle.close();
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: emptyState() };
      throw new Error(`cannot read state file ${this.file}: ${(error as Error).message}`, { cause: error });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new Error(`state file ${this.file} is not valid JSON (${(error as Error).message}); move it away to start over`, {
        cause: error,
      });
    }
    // The common case checks in place; decoding (which copies every record) only runs to name what is wrong.
    const state: SyncState = isStateFile(json) ? json : decodeOrThrow(StateFileCodec, json, `state file ${this.file}`);
    // A snapshot written before repository records existed (every one since has the key): seeded, before the journal.
    if (state.repositories === undefined) seedFirstSyncs(state);
    return { state, identity };
  }

  private async readJournal(): Promise<(readonly RecordChange[])[]> {
    let text: string;
    try {
      text = await fs.readFile(this.journal, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new Error(`cannot read the state journal ${this.journal}: ${(error as Error).message}`, { cause: error });
    }
    const entries: (readonly RecordChange[])[] = [];
    for (const [i, line] of text.split('\n').entries()) {
      if (line === '') continue;
      const read = readJournalLine(line);
      if ('changes' in read) entries.push(read.changes);
      else if (read.problem === 'unknown') {
        throw new Error(
          `state journal ${this.journal}, line ${i + 1}: not a change this flagsync writes (a newer version's?); ` +
            'run the version that wrote it until a run completes (its save folds the journal in), then change versions',
        );
      }
    }
    return entries;
  }
}

/** Opens the journal for appending, creating it; the folder is made only when missing (not on every append). */
async function openJournal(journal: string, dir: string): Promise<fs.FileHandle> {
  try {
    return await fs.open(journal, 'a+', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await fs.mkdir(dir, { recursive: true });
    return await fs.open(journal, 'a+', 0o600);
  }
}

async function newlineNeeded(handle: fs.FileHandle, size: number): Promise<string> {
  const last = Buffer.alloc(1);
  await handle.read(last, 0, 1, size - 1);
  return last[0] === 0x0a ? '' : '\n';
}
