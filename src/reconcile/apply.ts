import type { EntityOutcome, JiraClient, KindDescription } from '../jira/types';
import type { Logger } from '../log';
import { fieldHashes } from './hash';
import { nextSequence, type Plan, type PlannedWrite, type ProviderPlan } from './plan';
import type { StateLedger } from './state-ledger';
import { PROVIDER_PROPERTY } from '../model/properties';

/** How the reconciler turns one kind's unstamped payload into what Jira receives. */
export interface ReconcileKind<P = unknown, E = unknown> {
  readonly description: KindDescription<E>;
  stamp(payload: P, sequence: number, nowIso: string): E;
}

export interface ProviderResult {
  readonly provider: string;
  readonly ok: boolean;
  readonly error?: string;
  readonly seen: number;
  readonly unlinked: number;
  readonly created: number;
  readonly updated: number;
  readonly deleted: number;
  readonly unchanged: number;
  readonly rejected: ReadonlyArray<{ readonly id: string; readonly messages: readonly string[] }>;
  readonly failed: ReadonlyArray<{ readonly id: string; readonly error: string }>;
  readonly deletesRefused: number;
  readonly unknownIssueKeys: Readonly<Record<string, readonly string[]>>;
  readonly warnings: readonly string[];
}

export interface ApplyDeps {
  readonly client: JiraClient;
  readonly kind: ReconcileKind;
  readonly logger: Logger;
  readonly now: () => number;
  readonly signal?: AbortSignal;
  /** Jira `properties` on every request (the provider's name is added so its data can be purged by property). */
  readonly properties?: Readonly<Record<string, string>>;
}

async function applyProvider(plan: ProviderPlan, ledger: StateLedger, deps: ApplyDeps): Promise<ProviderResult> {
  const kind = deps.kind.description.kind;
  const records = ledger.records(kind);
  const base = { provider: plan.provider, seen: plan.seen, unlinked: plan.unlinked, unchanged: plan.unchanged, warnings: plan.warnings };
  if (!plan.ok) {
    return {
      ...base,
      ok: false,
      error: plan.error,
      created: 0,
      updated: 0,
      deleted: 0,
      rejected: [],
      failed: [],
      deletesRefused: 0,
      unknownIssueKeys: {},
    };
  }
  for (const [id, inputHash] of plan.refresh) {
    const known = records[id];
    if (known !== undefined) ledger.put(kind, id, { ...known, i: inputHash });
  }
  const nowMs = deps.now();
  const nowIso = new Date(nowMs).toISOString();
  const pending = new Map<string, { write: PlannedWrite; sequence: number }>();
  const payloads = plan.writes.map((write) => {
    const sequence = nextSequence(write.previousSequence, nowMs);
    pending.set(write.entity.id, { write, sequence });
    return deps.kind.stamp(write.entity.payload, sequence, nowIso);
  });

  // State is recorded batch by batch (so a stop mid-run keeps what landed); counts come from the full report,
  // which also holds the entities that were never sent.
  const recordOutcomes = async (outcomes: readonly EntityOutcome[]): Promise<void> => {
    for (const outcome of outcomes) {
      const entry = pending.get(outcome.id);
      if (entry === undefined) continue;
      if (outcome.status === 'accepted') {
        // Only what Jira accepted enters state; everything else stays dirty and is sent again next run.
        const f = entry.write.fieldHashes ?? fieldHashes(entry.write.entity.fields());
        const i = entry.write.entity.inputHash;
        ledger.put(
          kind,
          outcome.id,
          i === undefined
            ? { h: entry.write.entity.hash, s: entry.sequence, p: plan.provider, f }
            : { h: entry.write.entity.hash, s: entry.sequence, p: plan.provider, f, i },
        );
      } else if (outcome.status === 'failed' && outcome.retryable) {
        // No final answer (timeout, 5xx): Jira may hold the new content after all. Forget the old hash so the next
        // run sends again even if the source went back to what the record says (the sequence id is kept: it only grows).
        const known = records[outcome.id];
        if (known !== undefined) ledger.put(kind, outcome.id, { h: '', s: Math.max(known.s, entry.sequence), p: known.p });
      }
    }
    await ledger.checkpoint();
  };

  let created = 0;
  let updated = 0;
  const rejected: { id: string; messages: readonly string[] }[] = [];
  const failed: { id: string; error: string }[] = [];
  const unknownIssueKeys: Record<string, readonly string[]> = {};
  if (payloads.length > 0) {
    const properties = { ...deps.properties, [PROVIDER_PROPERTY]: plan.provider };
    const report = await deps.client.submit(deps.kind.description, payloads, { properties, signal: deps.signal, onBatch: recordOutcomes });
    for (const outcome of report.outcomes) {
      const entry = pending.get(outcome.id);
      if (entry === undefined) continue;
      if (outcome.status !== 'failed' && outcome.unknownIssueKeys.length > 0) unknownIssueKeys[outcome.id] = outcome.unknownIssueKeys;
      if (outcome.status === 'accepted') {
        if (entry.write.action === 'create') created++;
        else updated++;
      } else if (outcome.status === 'rejected') {
        rejected.push({ id: outcome.id, messages: outcome.messages });
      } else {
        failed.push({ id: outcome.id, error: outcome.error });
      }
    }
  }

  let deleted = 0;
  if (plan.deletes.length > 0 && deps.signal?.aborted !== true) {
    const outcomes = await deps.client.deleteById(deps.kind.description, plan.deletes, { signal: deps.signal });
    for (const outcome of outcomes) {
      if (outcome.ok) {
        ledger.remove(kind, outcome.id);
        deleted++;
      } else {
        failed.push({ id: outcome.id, error: `delete failed: ${outcome.error ?? 'unknown error'}` });
      }
    }
    await ledger.checkpoint();
  }
  if (plan.refusedDeletes.length > 0) {
    deps.logger.warn(
      { provider: plan.provider, refused: plan.refusedDeletes.length, known: plan.known },
      'mass-delete guard: deletes refused; run with --allow-mass-delete if the source really lost these flags',
    );
  }
  return { ...base, ok: true, created, updated, deleted, rejected, failed, deletesRefused: plan.refusedDeletes.length, unknownIssueKeys };
}

/** Sends a plan's writes (then its deletes) provider by provider, recording in `ledger` what Jira accepted. */
export async function applyPlan(plan: Plan, ledger: StateLedger, deps: ApplyDeps): Promise<ProviderResult[]> {
  const results: ProviderResult[] = [];
  for (const provider of plan.providers) results.push(await applyProvider(provider, ledger, deps));
  return results;
}

/** A run succeeded when every provider was read and every entity was accepted. */
export function resultOk(result: ProviderResult): boolean {
  return result.ok && result.rejected.length === 0 && result.failed.length === 0 && result.deletesRefused === 0;
}
