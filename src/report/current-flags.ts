import { featureFlagsKind, type JiraClient } from '../jira';
import { decodeStoredFlag, type StoredFlag } from './stored-flag';

/** Updates whose values a plan reads from Jira; past this, the plan names the changed fields only. */
export const MAX_READS = 200;

/**
 * Reads what Jira holds now for the flags a plan would update, so the plan shows before → after (terraform's
 * refresh). Read-only; a failure costs the values, never the plan: it is returned as a note.
 */
export async function readCurrentFlags(
  client: JiraClient,
  ids: readonly string[],
  concurrency: number,
): Promise<{ current: Map<string, StoredFlag | null>; notes: string[] }> {
  const current = new Map<string, StoredFlag | null>();
  const notes: string[] = [];
  const wanted = ids.slice(0, MAX_READS);
  if (ids.length > MAX_READS)
    notes.push(`values shown for the first ${MAX_READS} of ${ids.length} updates; the rest name the changed fields`);
  let failure: string | undefined;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < wanted.length) {
      const id = wanted[next++]!;
      try {
        const body = await client.get(featureFlagsKind, id);
        const flag = body === undefined ? null : decodeStoredFlag(body);
        if (flag !== undefined) current.set(id, flag);
      } catch (error) {
        failure = error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, wanted.length)) }, worker));
  if (failure !== undefined) notes.push(`current values could not be read from Jira (${failure}); updates name the changed fields only`);
  return { current, notes };
}
