import type { KindName } from '../jira/types';
import { recordsOf, type SyncState } from './state';
import type { RecordChange } from './state-store';

/** The kinds flagsync sends with the provider property (flags and devinfo; `send` builds/deployments are not per provider). */
export const PURGEABLE_KINDS: readonly KindName[] = ['featureflags', 'devinfo'];

export interface PurgePreview {
  readonly provider: string;
  /** Per kind, the ids the state file records for the provider (Jira may hold more: a lost state file knows none). */
  readonly recorded: ReadonlyArray<{ readonly kind: KindName; readonly ids: readonly string[] }>;
}

/** What the state file says Jira holds from `provider`. Pure. */
export function purgePreview(state: SyncState, provider: string): PurgePreview {
  return {
    provider,
    recorded: PURGEABLE_KINDS.map((kind) => ({
      kind,
      ids: Object.entries(recordsOf(state, kind))
        .filter(([, record]) => record.p === provider)
        .map(([id]) => id)
        .sort(),
    })),
  };
}

/** Drops the provider's records of `kind` once Jira confirmed the delete (a later run sends them again if wanted). */
export function forgetProvider(state: SyncState, kind: KindName, provider: string): RecordChange[] {
  const records = recordsOf(state, kind);
  const changes: RecordChange[] = [];
  for (const [id, record] of Object.entries(records)) {
    if (record.p !== provider) continue;
    delete records[id];
    changes.push({ type: 'delete', kind, id });
  }
  return changes;
}
