import * as t from 'io-ts';
import { isRight } from 'fp-ts/Either';
import type { RecordChange } from '../../reconcile/state-store';
import { EntityRecordCodec, KindCodec, RepositoryRecordCodec, SourceRecordCodec } from './state-codecs';

type InFlightChange = Extract<RecordChange, { type: 'inflight' }>;

/**
 * One line of the state journal: the changes of one append, as JSON. Marks in flight of the same kind, sequence id
 * and provider (a batch's) are written as one entry with their ids: a batch's line is a few kilobytes, not one object
 * per entity.
 */
const JournalEntryCodec = t.union([
  t.type({ type: t.literal('put'), kind: KindCodec, id: t.string, record: EntityRecordCodec }),
  t.type({ type: t.literal('inflight'), kind: KindCodec, ids: t.readonlyArray(t.string), s: t.number, p: t.string }),
  t.type({ type: t.literal('delete'), kind: KindCodec, id: t.string }),
  t.intersection([t.type({ type: t.literal('source'), provider: t.string }), t.partial({ record: SourceRecordCodec })]),
  t.intersection([t.type({ type: t.literal('repository'), id: t.string }), t.partial({ record: RepositoryRecordCodec })]),
]);
const JournalLineCodec = t.readonlyArray(JournalEntryCodec);

type JournalEntry = t.TypeOf<typeof JournalEntryCodec>;
type MarksEntry = Extract<JournalEntry, { type: 'inflight' }>;

/** The line (without its newline) for one append's changes. */
export function journalLine(changes: readonly RecordChange[]): string {
  const entries: (JournalEntry | { type: 'inflight'; kind: InFlightChange['kind']; ids: string[]; s: number; p: string })[] = [];
  for (const change of changes) {
    if (change.type !== 'inflight') {
      entries.push(change);
      continue;
    }
    const last = entries.at(-1);
    if (last?.type === 'inflight' && last.kind === change.kind && last.s === change.s && last.p === change.p)
      (last.ids as string[]).push(change.id);
    else entries.push({ type: 'inflight', kind: change.kind, ids: [change.id], s: change.s, p: change.p });
  }
  return JSON.stringify(entries);
}

/**
 * The changes a journal line holds, in order. A line that is not JSON is `torn` (an append cut short by a crash: the
 * append never returned, so nothing it describes was sent). JSON of another shape is `unknown`: a line this version
 * does not write (a newer flagsync's), which must not be skipped as if torn, since it may mark entities in flight.
 */
export function readJournalLine(line: string): { readonly changes: RecordChange[] } | { readonly problem: 'torn' | 'unknown' } {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { problem: 'torn' };
  }
  const decoded = JournalLineCodec.decode(json);
  if (!isRight(decoded)) return { problem: 'unknown' };
  const changes: RecordChange[] = [];
  for (const entry of decoded.right) {
    if (entry.type !== 'inflight') changes.push(entry);
    else for (const id of (entry as MarksEntry).ids) changes.push({ type: 'inflight', kind: entry.kind, id, s: entry.s, p: entry.p });
  }
  return { changes };
}
