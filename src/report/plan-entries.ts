import type { Plan, PlannedWrite, ProviderPlan } from '../reconcile/plan';
import type { UnstampedFlagWithTimes } from '../model/to-jira-flag';
import { describeFlag, flagChanges, type FieldChange, type FlagValues } from './flag-changes';
import type { StoredFlag } from './stored-flag';

export type DeleteReason = 'gone from the source' | 'lost its issue keys (now unlinked)' | 'its provider left the config';

/** What Jira holds now for flags a plan updates: the flag, null when Jira has none, absent when not read. */
export type CurrentFlags = ReadonlyMap<string, StoredFlag | null>;

export interface PlanEntry {
  readonly id: string;
  readonly action: 'create' | 'update' | 'delete' | 'held back';
  readonly issueKeys?: readonly string[];
  /** Values of a created flag (`production: on, rollout 30%`). */
  readonly values?: string;
  /** Value changes of an update, when what Jira holds was read. */
  readonly changes?: readonly FieldChange[];
  /** Names of the changed fields (from state's fingerprints) when values are not known. */
  readonly changedFields?: readonly string[];
  /**
   * An update of a flag Jira turned out not to hold (read, none there): state recorded a send Jira never took (its
   * answer lost, or refused). It goes again as it is; `values` shows what it will hold.
   */
  readonly notInJira?: true;
  readonly reason?: DeleteReason;
}

/** Flags are the only kind whose payload a plan shows values of (devinfo shows the changed fields). */
export function flagOf(write: PlannedWrite<unknown>): FlagValues | undefined {
  if (write.entity.kind !== 'featureflags') return undefined;
  // desired-flags.ts builds every featureflags entity with this payload.
  return (write.entity.payload as UnstampedFlagWithTimes).flag;
}

function writeEntry(write: PlannedWrite<unknown>, current: CurrentFlags): PlanEntry {
  const flag = flagOf(write);
  if (write.action === 'create') {
    return { id: write.entity.id, action: 'create', issueKeys: write.entity.issueKeys, ...(flag ? { values: describeFlag(flag) } : {}) };
  }
  const before = current.get(write.entity.id);
  if (flag !== undefined && before !== undefined && before !== null) {
    return { id: write.entity.id, action: 'update', changes: flagChanges(before, flag) };
  }
  if (flag !== undefined && before === null) {
    return { id: write.entity.id, action: 'update', notInJira: true, issueKeys: write.entity.issueKeys, values: describeFlag(flag) };
  }
  return { id: write.entity.id, action: 'update', changedFields: write.changedFields };
}

/** Every line-worthy change of one provider, in the order a plan shows them. Pure. */
export function planEntries(plan: ProviderPlan<unknown>, current: CurrentFlags): PlanEntry[] {
  const unlinked = new Set(plan.unlinkedIds);
  const reasonOf = (id: string): DeleteReason =>
    plan.removedFromConfig === true
      ? 'its provider left the config'
      : unlinked.has(id)
        ? 'lost its issue keys (now unlinked)'
        : 'gone from the source';
  return [
    ...plan.writes.map((w) => writeEntry(w, current)),
    ...plan.deletes.map((id): PlanEntry => ({ id, action: 'delete', reason: reasonOf(id) })),
    ...plan.refusedDeletes.map((id): PlanEntry => ({ id, action: 'held back', reason: reasonOf(id) })),
  ];
}

/** Update ids whose current values are worth reading from Jira. */
export function flagUpdateIds(plan: Plan<unknown>): string[] {
  // By kind, not flagOf: a flag kept as JSON would be parsed only to be tested.
  return plan.providers.flatMap((p) =>
    p.writes.filter((w) => w.action === 'update' && w.entity.kind === 'featureflags').map((w) => w.entity.id),
  );
}
