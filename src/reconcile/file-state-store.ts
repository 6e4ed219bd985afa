import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as t from 'io-ts';
import { decodeOrThrow } from '../kit/decode';
import { emptyState, type SyncState } from './state';
import type { StateStore } from './state-store';

const EntityRecordCodec = t.intersection([
  t.type({ h: t.string, s: t.number, p: t.string }),
  t.partial({ f: t.record(t.string, t.string), i: t.string }),
]);
const SourceRecordCodec = t.type({ f: t.string, m: t.string, n: t.number, u: t.number });
const StateCodec = t.intersection([
  t.type({
    version: t.literal(1),
    entities: t.partial({
      featureflags: t.record(t.string, EntityRecordCodec),
      builds: t.record(t.string, EntityRecordCodec),
      deployments: t.record(t.string, EntityRecordCodec),
      devinfo: t.record(t.string, EntityRecordCodec),
    }),
  }),
  t.partial({ sources: t.record(t.string, SourceRecordCodec) }),
]);

/**
 * The record of what Jira accepted, on disk. Written atomically (temp file, fsync, rename, fsync of the folder) so
 * a crash leaves either the old or the new file, never a torn one. A missing file is an empty state: Jira may
 * already hold things, and resending them is harmless because sequence ids only grow. The file is the whole state,
 * so each save writes all of it (the list of changes is not needed).
 */
export class FileStateStore implements StateStore {
  constructor(readonly file: string) {}

  readonly load = async (): Promise<SyncState> => {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
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
    if (StateCodec.is(json)) return json;
    return decodeOrThrow(StateCodec, json, `state file ${this.file}`);
  };

  readonly save = async (state: SyncState): Promise<void> => {
    const dir = path.dirname(this.file);
    await fs.mkdir(dir, { recursive: true });
    const temp = `${this.file}.${process.pid}.${Date.now()}.tmp`;
    const handle = await fs.open(temp, 'w', 0o600);
    try {
      await handle.writeFile(JSON.stringify(state));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, this.file);
    const dirHandle = await fs.open(dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
  };
}
