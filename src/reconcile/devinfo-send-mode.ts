/**
 * Jira runs smart commits and workflow transitions for every commit and branch it receives unless the request says
 * `preventTransitions: true`. History must not move issues across a board: the first sync of a repository (no state
 * for it, or state lost) sends its up to N old commits and every branch as a BACKFILL with transitions prevented;
 * what later runs find is new work and goes as NORMAL, so smart commits keep working. A repository configured with
 * `transitions: false` never fires them.
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

export function sendModeOf(repositoryId: string, inState: ReadonlySet<string>, transitions: boolean): DevinfoSendMode {
  if (!inState.has(repositoryId)) return 'backfill';
  return transitions ? 'normal' : 'quiet';
}
