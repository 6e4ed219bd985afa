import type { RunOutcome } from './kind';
import { repositoryRecordsOf, type EntityRecord, type RepositoryRecord, type SyncState } from './state';
import type { StateLedger } from './state-ledger';

/**
 * Jira runs smart commits and workflow transitions for every commit and branch it receives unless the request says
 * `preventTransitions: true`. History must not move issues across a board: the first sync of a repository sends its
 * up to N old commits and every branch as a BACKFILL with transitions prevented; what later runs find is new work
 * and goes as NORMAL, so smart commits keep working. A repository configured with `transitions: false` never fires
 * them.
 *
 * A repository's first sync is done once a run of its provider read it and Jira answered everything sent of it, or
 * there was nothing to send: a new repository whose commits link no issue yet sends nothing, and the first keyed
 * commit a later run finds is new work. State keeps that as a repository record (SyncState.repositories) naming the
 * provider, and that record alone decides: a first sync cut short (a stop between rounds, the run timeout, Jira
 * unreachable) sends the rest of its history as a backfill too, and a repository moved to another provider is that
 * provider's first sync. Without a record of the provider (never read, a dry run, a first sync Jira refused or never
 * answered in part or in full, state lost) the next sync is a backfill. States written before repository records
 * existed get one per repository with an accepted branch or commit, once (seedFirstSyncs; PostgreSQL: migration 5).
 */

export type DevinfoSendMode = 'backfill' | 'quiet' | 'normal';

/** The top-level request fields of each mode (absent fields are Jira's defaults: NORMAL, transitions on). */
export const DEVINFO_REQUEST_FIELDS: Readonly<Record<DevinfoSendMode, Readonly<Record<string, unknown>>>> = {
  backfill: { preventTransitions: true, operationType: 'BACKFILL' },
  quiet: { preventTransitions: true },
  normal: {},
};

/** Repository ids with at least one record in state (record ids are `<repositoryId>/branch|commit/<name>`). */
export function repositoriesInState(recordIds: Iterable<string>): Set<string> {
  const ids = new Set<string>();
  for (const id of recordIds) {
    const slash = id.indexOf('/');
    if (slash > 0) ids.add(id.slice(0, slash));
  }
  return ids;
}

/** The repositories whose first sync by `provider` is done: those it holds a repository record of. */
export function firstSyncDone(state: SyncState, provider: string): Set<string> {
  const done = new Set<string>();
  const repositories = state.repositories ?? {};
  for (const id in repositories) if (repositories[id]!.p === provider) done.add(id);
  return done;
}

/**
 * For a state written before repository records existed (`repositories` absent): a repository with a branch or commit
 * Jira accepted had its first sync then (the rule of those versions), so it gets its record, under the provider of
 * its latest accepted record. Without this, an upgrade would backfill every synced repository again. The file store
 * seeds a snapshot without `repositories` as it loads it (it writes the key from then on); PostgreSQL's migration 5
 * does the same in SQL.
 */
export function seedFirstSyncs(state: SyncState): void {
  const latest = new Map<string, EntityRecord>();
  const records = state.entities.devinfo ?? {};
  for (const id in records) {
    const record = records[id]!;
    const slash = id.indexOf('/');
    if (record.h === '' || slash <= 0) continue;
    const repository = id.slice(0, slash);
    const before = latest.get(repository);
    if (before === undefined || record.s > before.s) latest.set(repository, record);
  }
  if (latest.size === 0) return;
  const repositories = repositoryRecordsOf(state);
  for (const [id, record] of latest) repositories[id] ??= { p: record.p };
}

export function sendModeOf(repositoryId: string, done: ReadonlySet<string>, transitions: boolean): DevinfoSendMode {
  if (!done.has(repositoryId)) return 'backfill';
  return transitions ? 'normal' : 'quiet';
}

/**
 * After a run's sends (never a dry run): records the repositories whose first sync this run did, and drops the
 * records of repositories no longer configured.
 *
 * Done: listed by a provider read in full (not skipped as unchanged, nor failed), with none of its branches and
 * commits left without Jira's answer (failed, unanswered, never sent: a run stopped between rounds) or held back for
 * bad data (sent later, they would be history going as new work). One Jira rejected (a commit whose only issue key
 * is unknown to it) had its answer: it is sent again every run and most likely rejected again, and waiting for it
 * would keep every later commit of the repository a backfill.
 *
 * Each read's cursor (DevRepository.cursor) is kept for the next read once nothing of the repository is left without
 * an answer: a read with something unanswered is followed by one from the earlier cursor, so what arrived since that
 * one is read again too. Data held back for problems of its own does not hold the cursor (a commit never changes).
 *
 * Dropped: the provider is no longer among this kind's providers in the config (an unscoped run only), or it was read
 * in full and no longer lists the repository. A repository added back later is synced as a first sync again, a
 * backfill: meanwhile flagsync deleted its branches from Jira and forgot its commits, and whatever it finds when added
 * back (perhaps months of commits) is history to Jira's users, not work done now; replaying its smart commits would
 * move issues long since moved on.
 */
function withCursor(record: RepositoryRecord, cursor: string | undefined): RepositoryRecord {
  const { c: _before, ...rest } = record;
  return cursor === undefined ? rest : { ...rest, c: cursor };
}

export function recordFirstSyncs(ledger: StateLedger, outcome: RunOutcome): void {
  const read = new Map<string, ReadonlyMap<string, string | undefined>>();
  for (const result of outcome.results) {
    const listed = outcome.listed.get(result.provider);
    if (result.ok && listed !== undefined) read.set(result.provider, listed);
  }
  for (const [id, record] of Object.entries(ledger.state.repositories ?? {})) {
    const unconfigured = outcome.providers !== undefined && !outcome.providers.includes(record.p);
    if (unconfigured || read.get(record.p)?.has(id) === false) ledger.setRepository(id, undefined);
  }
  for (const result of outcome.results) {
    const listed = read.get(result.provider);
    if (listed === undefined) continue;
    const unanswered = repositoriesInState(result.failed.map((f) => f.id));
    const heldBack = repositoriesInState(outcome.kept.get(result.provider) ?? []);
    for (const [id, cursor] of listed) {
      if (unanswered.has(id)) continue;
      const known = ledger.state.repositories?.[id];
      if (heldBack.has(id)) {
        // Held back for bad data of its own: a commit never changes under its sha, so waiting for it would hold the
        // cursor for good. The first sync (or its time) still waits: sent later, it would be history going as new work.
        if (known?.p === result.provider && known.c !== cursor) ledger.setRepository(id, withCursor(known, cursor));
        continue;
      }
      // Recorded before first sync times existed: from this run on, what was authored before it began is history.
      // Only once all it sent of the repository had an answer, like a first sync: a commit left to retry is new work.
      // The cursor moves on under the same rule: a read with something left to retry is read from the old one again.
      const t = known?.p === result.provider ? (known.t ?? outcome.now) : outcome.now;
      if (known?.p === result.provider && known.t === t && known.c === cursor) continue;
      ledger.setRepository(id, withCursor({ p: result.provider, t }, cursor));
    }
  }
}

/**
 * For a provider, per repository whose first sync it did: the time before which a commit is history (epoch ms). A
 * record without a time (written before times existed) gets one from the run that reads it; until then nothing counts
 * as history, as before, so the run of an upgrade sends new work as new work.
 */
export function historyCutoffs(state: SyncState, provider: string): Map<string, number> {
  const cutoffs = new Map<string, number>();
  const repositories = state.repositories ?? {};
  for (const id in repositories) {
    const record = repositories[id]!;
    if (record.p !== provider) continue;
    const at = record.t === undefined ? Number.NaN : Date.parse(record.t);
    if (!Number.isNaN(at)) cutoffs.set(id, at);
  }
  return cutoffs;
}

/** A commit of a repository whose first sync is done, authored before that sync: history, sent with no smart commits. */
export function isHistoryCommit(authorTimestamp: string, cutoff: number | undefined): boolean {
  if (cutoff === undefined) return false;
  const at = Date.parse(authorTimestamp);
  return Number.isNaN(at) || at < cutoff;
}
