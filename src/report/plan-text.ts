import type { Plan, ProviderPlan } from '../reconcile/plan';
import { planEntries, type CurrentFlags, type PlanEntry } from './plan-entries';
import { shellWord } from './shell-word';

/** How many unlinked flags a text report names per provider (--json names them all). */
export const UNLINKED_SHOWN = 10;

export function unlinkedLine(ids: readonly string[]): string {
  const more = ids.length > UNLINKED_SHOWN ? `, … and ${ids.length - UNLINKED_SHOWN} more (all in --json)` : '';
  return `unlinked, not sent (no issue key found): ${ids.slice(0, UNLINKED_SHOWN).join(', ')}${more}`;
}

function entryLine(entry: PlanEntry): string {
  switch (entry.action) {
    case 'create':
      return `  + ${entry.id}  (${(entry.issueKeys ?? []).join(', ')})${entry.values ? `  ${entry.values}` : ''}`;
    case 'update':
      if (entry.notInJira === true)
        return `  ~ ${entry.id}  (${(entry.issueKeys ?? []).join(', ')})  not in Jira now, sent again: ${entry.values ?? ''}`;
      if (entry.changes !== undefined)
        return `  ~ ${entry.id}  ${entry.changes.length > 0 ? entry.changes.map((c) => c.text).join('; ') : 'no visible change (Jira is sent it again)'}`;
      return `  ~ ${entry.id}  changed: ${(entry.changedFields ?? []).length > 0 ? entry.changedFields!.join(', ') : 'content'}`;
    case 'delete':
      return `  - ${entry.id}  (${entry.reason ?? 'gone from the source'})`;
    case 'held back':
      return `  ! - ${entry.id}  (${entry.reason ?? 'gone from the source'})`;
  }
}

/**
 * The mass-delete guard's line, with the command that confirms it, naming `config` (the config file as the command
 * was given it, when not the default one) so that, copied, it runs against the same file.
 */
export function heldBackLine(provider: string, count: number, known: number, config?: string): string {
  const configArg = config === undefined ? '' : ` --config ${shellWord(config)}`;
  return `${count} of ${known} would be deleted: held back by the mass-delete guard (more than sync.massDeleteThreshold and sync.massDeleteMinimum); if intended, confirm with: flagsync run --once --allow-mass-delete --provider ${shellWord(provider)}${configArg}`;
}

function providerLines(p: ProviderPlan<unknown>, current: CurrentFlags, config?: string): string[] {
  if (!p.ok) return [`${p.provider}: FAILED (${p.error ?? 'unknown error'}): nothing would be sent or deleted`];
  const creates = p.writes.filter((w) => w.action === 'create').length;
  const updates = p.writes.length - creates;
  const lines = [
    `${p.provider}: ${creates} to create, ${updates} to update, ${p.deletes.length} to delete, ${p.unchanged} unchanged, ${p.unlinked} unlinked`,
  ];
  const entries = planEntries(p, current);
  for (const entry of entries) if (entry.action !== 'held back') lines.push(entryLine(entry));
  if (p.refusedDeletes.length > 0) {
    lines.push(`  ! ${heldBackLine(p.provider, p.refusedDeletes.length, p.known, config)}`);
    for (const entry of entries) if (entry.action === 'held back') lines.push(entryLine(entry));
  }
  if (p.unlinkedIds.length > 0) lines.push(`  ${unlinkedLine(p.unlinkedIds)}`);
  for (const w of p.warnings) lines.push(`  warning: ${w}`);
  return lines;
}

/** `flagsync plan` as text: per provider a count line, then `+` creates with values, `~` updates with before → after, `-` deletes with the reason. */
export function renderPlan(plan: Plan<unknown>, current: CurrentFlags = new Map(), notes: readonly string[] = [], config?: string): string {
  return [...plan.providers.flatMap((p) => providerLines(p, current, config)), ...notes.map((n) => `note: ${n}`)].join('\n');
}
