/** Identical causes told once: `3 flags not sent: POST …/bulk: HTTP 404 …`, with what to check. */
export interface FailureGroup {
  readonly kind: 'not sent' | 'rejected by Jira';
  readonly cause: string;
  readonly ids: readonly string[];
  readonly hint?: string;
}

const HINTS: ReadonlyArray<readonly [RegExp, string]> = [
  [/HTTP 404/, 'check jira.cloudId or jira.site (the cloud id) and jira.apiBaseUrl'],
  [/HTTP 401/, 'check jira.clientId and jira.clientSecret'],
  [
    /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|socket hang up|timed? ?out|network/i,
    'check jira.apiBaseUrl and that Jira is reachable from here; they are sent again next run',
  ],
  [/HTTP (429|5\d\d)/, 'Jira was unavailable or busy; they are sent again next run'],
  [/No valid issues found/, 'none of the issue keys exist in Jira: check the keys in the flag, commit or branch (or the linking settings)'],
];

/** The cause of every entity a run did not get to because it stopped early (the stop reason is printed once above). */
export const STOPPED = 'the run stopped early; they are sent next run';

export function hintFor(cause: string): string | undefined {
  return HINTS.find(([pattern]) => pattern.test(cause))?.[1];
}

/** Groups failures and rejections by identical cause, largest group first. Pure. */
export function groupFailures(
  failed: ReadonlyArray<{ readonly id: string; readonly error: string; readonly reason?: string }>,
  rejected: ReadonlyArray<{ readonly id: string; readonly messages: readonly string[] }>,
): FailureGroup[] {
  const groups = new Map<string, { kind: FailureGroup['kind']; cause: string; ids: string[] }>();
  const add = (kind: FailureGroup['kind'], cause: string, id: string): void => {
    const key = `${kind}\n${cause}`;
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = { kind, cause, ids: [] }));
    group.ids.push(id);
  };
  // Whatever a stopped run did not get to is one group, whichever request it would have gone in.
  for (const f of failed) add('not sent', f.reason === 'aborted' ? STOPPED : f.error, f.id);
  for (const r of rejected) add('rejected by Jira', r.messages.join('; '), r.id);
  return [...groups.values()]
    .sort((a, b) => b.ids.length - a.ids.length)
    .map((g) => {
      const hint = hintFor(g.cause);
      return hint === undefined ? g : { ...g, hint };
    });
}
