import type { KindName } from '../jira/types';
import type { ProviderResult } from './apply';
import type { ProviderDesired } from './desired';
import type { SourceReport } from './kind';
import { contentHash } from './hash';
import { recordsOf, type SourceRecord, type SyncState } from './state';

/**
 * Skipping a flag source whose raw form did not change. An adapter that can fingerprint its source cheaply (bytes
 * hashed, an ETag) reports the fingerprint with its snapshot; after a run in which Jira accepted every flag of the
 * provider, state keeps it with the mapping settings. The next run passes it back, and a source still matching it
 * is not parsed or mapped: the provider is planned as "every flag as Jira holds it". Safe by construction:
 * - only a fully accepted run is remembered (nothing rejected, failed, skipped, or held back by the guard), and the
 *   record is dropped before any run of the provider that sends or deletes anything;
 * - no record of the provider may be dirty (a send without a final answer, `h` emptied): Jira may hold something
 *   the state does not;
 * - an unchanged source wants exactly the flags state holds for the provider, so it never causes a delete.
 */

/** The mapping settings' part of the key (a settings change re-reads the source). */
export function mappingKey(seed: string): string {
  return contentHash(seed);
}

/** The fingerprint an adapter may answer "unchanged" to, or undefined when state cannot vouch for one. */
export function acceptedSourceOf(state: SyncState, kind: KindName, provider: string, mapping: string): string | undefined {
  const record = state.sources?.[provider];
  if (record === undefined || record.m !== mapping) return undefined;
  const records = recordsOf(state, kind);
  for (const id in records) {
    const entity = records[id]!;
    if (entity.p === provider && entity.h === '') return undefined;
  }
  return record.f;
}

/** An unchanged source: every entity state holds for the provider is wanted as it is. */
export function unchangedSourceDesired<P>(state: SyncState, kind: KindName, provider: string): ProviderDesired<P> {
  const record = state.sources?.[provider];
  const records = recordsOf(state, kind);
  const unchanged: string[] = [];
  for (const id in records) if (records[id]!.p === provider) unchanged.push(id);
  return {
    provider,
    ok: true,
    entities: [],
    keep: new Set(),
    unchanged,
    seen: record?.n ?? unchanged.length,
    unlinked: record?.u ?? 0,
    warnings: [],
  };
}

/** The source record a finished provider run leaves, or undefined when its source must be read again next time. */
export function sourceRecordAfter(source: SourceReport, result: ProviderResult, mapping: string): SourceRecord | undefined {
  if (source.unchanged || source.fingerprint === undefined || !source.complete) return undefined;
  if (!result.ok || result.rejected.length > 0 || result.failed.length > 0 || result.deletesRefused > 0) return undefined;
  return { f: source.fingerprint, m: mapping, n: result.seen, u: result.unlinked };
}
