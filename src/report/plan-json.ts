import type { Plan } from '../reconcile/plan';
import { planEntries, type CurrentFlags } from './plan-entries';

/** `flagsync plan --json` (field names are part of the CLI's interface). */
export function jsonPlan(plan: Plan<unknown>, current: CurrentFlags = new Map(), notes: readonly string[] = []): unknown {
  return {
    kind: plan.kind,
    providers: plan.providers.map((p) => {
      const entries = planEntries(p, current);
      return {
        name: p.provider,
        ok: p.ok,
        error: p.error ?? null,
        flags: p.seen,
        unlinked: p.unlinked,
        unlinkedFlags: p.unlinkedIds,
        unchanged: p.unchanged,
        create: entries
          .filter((e) => e.action === 'create')
          .map((e) => ({ id: e.id, issueKeys: e.issueKeys ?? [], values: e.values ?? null })),
        update: entries
          .filter((e) => e.action === 'update')
          .map((e) => ({
            id: e.id,
            changedFields: e.changes !== undefined ? e.changes.map((c) => c.field) : (e.changedFields ?? []),
            changes: e.changes?.map(({ field, before, after }) => ({ field, before, after })) ?? null,
            ...(e.notInJira === true && { notInJira: true, values: e.values ?? null }),
          })),
        delete: entries.filter((e) => e.action === 'delete').map((e) => ({ id: e.id, reason: e.reason })),
        refusedDeletes: entries.filter((e) => e.action === 'held back').map((e) => ({ id: e.id, reason: e.reason })),
        warnings: p.warnings,
      };
    }),
    notes,
  };
}
