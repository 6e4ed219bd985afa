import type { KindName } from '../jira/types';
import type { ProviderResult } from './apply';
import type { ProviderDesired } from './desired';
import type { SourceReport } from './kind';
import { contentHash } from './hash';
import type { Plan, ProviderPlan } from './plan';
import { recordsOf, type SourceRecord, type StateSummary, type SyncState } from './state';

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

/** acceptedSourceOf, answered from a store's summary instead of the whole state (the same rules). */
export function acceptedSourceInSummary(summary: StateSummary, kind: KindName, provider: string, mapping: string): string | undefined {
  const record = summary.sources[provider];
  if (record === undefined || record.m !== mapping) return undefined;
  return summary.holdings[kind]?.[provider]?.dirty === true ? undefined : record.f;
}

/**
 * The plan when every configured provider's source is unchanged, made from the summary alone: each provider wants
 * what state holds for it, and nothing is written or deleted. Undefined when the summary cannot decide that: state
 * holds entities of a provider that is no longer configured (they are to be deleted), unless the run is scoped to
 * some providers (the others are left alone then).
 */
export function unchangedPlanFromSummary<P>(
  summary: StateSummary,
  kind: KindName,
  providers: readonly string[],
  scoped: boolean,
): Plan<P> | undefined {
  const holdings = summary.holdings[kind] ?? {};
  const configured = new Set(providers);
  if (!scoped) for (const provider in holdings) if (!configured.has(provider)) return undefined;
  return {
    kind,
    providers: providers.map((provider): ProviderPlan<P> => {
      const known = holdings[provider]?.n ?? 0;
      const record = summary.sources[provider];
      return {
        provider,
        ok: true,
        seen: record?.n ?? known,
        unlinked: record?.u ?? 0,
        unlinkedIds: [],
        warnings: [],
        writes: [],
        deletes: [],
        forget: [],
        refusedDeletes: [],
        unchanged: known,
        refresh: [],
        known,
      };
    }),
  };
}

/** What sending an unchanged plan amounts to: every provider read, nothing sent. */
export function unchangedResults<P>(plan: Plan<P>): ProviderResult[] {
  return plan.providers.map((p) => ({
    provider: p.provider,
    ok: true,
    seen: p.seen,
    unlinked: p.unlinked,
    created: 0,
    updated: 0,
    deleted: 0,
    unchanged: p.unchanged,
    rejected: [],
    failed: [],
    deletesRefused: 0,
    unknownIssueKeys: {},
    warnings: [],
  }));
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
