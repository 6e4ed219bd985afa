import type { KindName } from '../jira/types';
import type { FieldHashes } from './field-hashes';

/**
 * One entity a provider wants Jira to hold, before it is stamped with a sequence id. `hash` covers the payload
 * only; `fields` names the parts a plan reports as changed.
 */
export interface DesiredEntity<P> {
  readonly kind: KindName;
  readonly id: string;
  readonly provider: string;
  readonly hash: string;
  readonly payload: P;
  readonly issueKeys: readonly string[];
  /** Fingerprint of the source data and mapping settings this entity came from (see desired-flags.ts). */
  readonly inputHash?: string;
  /** Called only for entities that changed (it is the costly part). */
  readonly fields: () => Readonly<Record<string, unknown>>;
  /** fieldHashesOf(fields()), when it came cheaply with `hash` (the same serialization). */
  readonly fieldHashes?: FieldHashes;
}

/** A provider's contribution to one run. A failed provider contributes nothing and deletes nothing. */
export type ProviderDesired<P> =
  | {
      readonly provider: string;
      readonly ok: true;
      readonly entities: readonly DesiredEntity<P>[];
      /** Ids present in the source but not sendable this run (bad data): never deleted because of that. */
      readonly keep: ReadonlySet<string>;
      /** Ids whose source data is exactly what Jira last accepted: unchanged, recognised without mapping them. */
      readonly unchanged?: readonly string[];
      /** Entities seen in the source, and how many had no issue key. */
      readonly seen: number;
      readonly unlinked: number;
      /** Ids of the unlinked flags, so they can be named (the first question is "why is my flag not in Jira"). */
      readonly unlinkedIds?: readonly string[];
      readonly warnings: readonly string[];
    }
  | { readonly provider: string; readonly ok: false; readonly error: string };
