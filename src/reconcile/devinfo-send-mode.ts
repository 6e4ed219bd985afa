import type { RunOutcome } from './kind';
import type { SyncState } from './state';
import type { StateLedger } from './state-ledger';

/**
 * Jira runs smart commits and workflow transitions for every commit and branch it receives unless the request says
 * `preventTransitions: true`. History must not move issues across a board: the first sync of a repository sends its
 * up to N old commits and every branch as a BACKFILL with transitions prevented; what later runs find is new work
 * and goes as NORMAL, so smart commits keep working. A repository configured with `transitions: false` never fires
 * them.
 *
 * A repository's first sync is done once a run read it and Jira accepted everything sent of it, or there was nothing
 * to send: a new repository whose commits link no issue yet sends nothing, and the first keyed commit a later run
 * finds is new work. State keeps that as a repository record (SyncState.repositories), since such a repository
 * leaves no entity record; a repository with an accepted branch or commit in state counts as done too (states
 * written before repository records existed, and a first sync cut short after part of it landed). Without either
 * (never read, a dry run, a first sync Jira refused or never answered, state lost) the next sync is a backfill.
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

/** Repositories whose first sync is done: with a repository record, or with an accepted entity (`confirmedIds`). */
export function firstSyncDone(confirmedIds: Iterable<string>, state: SyncState): Set<string> {
  const done = repositoriesInState(confirmedIds);
  for (const id in state.repositories ?? {}) done.add(id);
  return done;
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
 * commits rejected, failed or unanswered (a stopped run), or held back for bad data (sent later, they would be
 * history going as new work).
 *
 * Dropped: the provider left the config (an unscoped run only), or it was read in full and no longer lists the
 * repository. A repository added back later is synced as a first sync again, a backfill: meanwhile flagsync deleted
 * its branches from Jira and forgot its commits, and whatever it finds when added back (perhaps months of commits)
 * is history to Jira's users, not work done now; replaying its smart commits would move issues long since moved on.
 */
export function recordFirstSyncs(ledger: StateLedger, outcome: RunOutcome): void {
  const read = new Map<string, ReadonlySet<string>>();
  for (const result of outcome.results) {
    const listed = outcome.listed.get(result.provider);
    if (result.ok && listed !== undefined) read.set(result.provider, new Set(listed));
  }
  for (const [id, record] of Object.entries(ledger.state.repositories ?? {})) {
    const unconfigured = outcome.configured !== undefined && !outcome.configured.includes(record.p);
    if (unconfigured || read.get(record.p)?.has(id) === false) ledger.setRepository(id, undefined);
  }
  for (const result of outcome.results) {
    const listed = read.get(result.provider);
    if (listed === undefined) continue;
    const unsettled = repositoriesInState([
      ...result.rejected.map((r) => r.id),
      ...result.failed.map((f) => f.id),
      ...(outcome.kept.get(result.provider) ?? []),
    ]);
    for (const id of listed) {
      if (!unsettled.has(id) && ledger.state.repositories?.[id]?.p !== result.provider) ledger.setRepository(id, { p: result.provider });
    }
  }
}
