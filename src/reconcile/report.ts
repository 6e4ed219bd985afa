import Table from 'cli-table3';
import type { FailedEntity, ProviderResult } from './apply';
import type { Plan, PlannedWrite } from './plan';
import type { RunReport } from './run';

/** The machine-readable summary printed by `--json` (field names are part of the CLI's interface). */
export interface JsonProviderSummary {
  readonly name: string;
  readonly ok: boolean;
  readonly error: string | null;
  readonly flags: number;
  readonly unlinked: number;
  readonly created: number;
  readonly updated: number;
  readonly deleted: number;
  readonly unchanged: number;
  readonly rejected: number;
  readonly failed: number;
  readonly deletesRefused: number;
  readonly unknownIssueKeys: Readonly<Record<string, readonly string[]>>;
  readonly rejections: ReadonlyArray<{ readonly id: string; readonly messages: readonly string[] }>;
  /** Each with its cause as data: `reason`, `retryable` and, when Jira answered, `httpStatus`. */
  readonly failures: readonly FailedEntity[];
  readonly warnings: readonly string[];
}

export function jsonRunSummary<P>(report: RunReport<P>): { ok: boolean; providers: JsonProviderSummary[] } {
  return {
    ok: report.ok,
    providers: report.results.map((r) => ({
      name: r.provider,
      ok: r.ok,
      error: r.error ?? null,
      flags: r.seen,
      unlinked: r.unlinked,
      created: r.created,
      updated: r.updated,
      deleted: r.deleted,
      unchanged: r.unchanged,
      rejected: r.rejected.length,
      failed: r.failed.length,
      deletesRefused: r.deletesRefused,
      unknownIssueKeys: r.unknownIssueKeys,
      rejections: r.rejected,
      failures: r.failed,
      warnings: r.warnings,
    })),
  };
}

function count(result: ProviderResult): string[] {
  return [
    result.ok ? 'ok' : 'FAILED',
    String(result.seen),
    String(result.unlinked),
    String(result.created),
    String(result.updated),
    String(result.deleted),
    String(result.rejected.length + result.failed.length),
    String(Object.keys(result.unknownIssueKeys).length),
  ];
}

/**
 * The table `run --once` ends with, followed by the reasons for anything that went wrong. "seen" counts flags for
 * flag providers and branches + commits for devinfo providers.
 */
export function renderRunSummary<P>(report: RunReport<P>): string {
  const table = new Table({
    head: ['provider', 'status', 'seen', 'unlinked', 'created', 'updated', 'deleted', 'rejected', 'unknown keys'],
    style: { head: [], border: [] },
  });
  for (const result of report.results) table.push([result.provider, ...count(result)]);
  const lines = [table.toString()];
  for (const r of report.results) {
    if (!r.ok) lines.push(`${r.provider}: source failed, nothing sent and nothing deleted: ${r.error ?? 'unknown error'}`);
    for (const x of r.rejected) lines.push(`${r.provider}: ${x.id} rejected by Jira: ${x.messages.join('; ')}`);
    for (const x of r.failed) lines.push(`${r.provider}: ${x.id} not sent: ${x.error}`);
    for (const [id, keys] of Object.entries(r.unknownIssueKeys))
      lines.push(`${r.provider}: ${id}: issue keys unknown to Jira: ${keys.join(', ')}`);
    for (const w of r.warnings) lines.push(`${r.provider}: warning: ${w}`);
    if (r.deletesRefused > 0) {
      lines.push(`${r.provider}: ${r.deletesRefused} deletes refused by the mass-delete guard (use --allow-mass-delete if intended)`);
    }
  }
  return lines.join('\n');
}

function describeWrite<P>(write: PlannedWrite<P>): string {
  const keys = write.entity.issueKeys.join(', ');
  if (write.action === 'create') return `  + ${write.entity.id}  (${keys})`;
  const fields = write.changedFields.length > 0 ? write.changedFields.join(', ') : 'content';
  return `  ~ ${write.entity.id}  changed: ${fields}`;
}

/** Readable diff for `flagsync plan`. */
export function renderPlan<P>(plan: Plan<P>): string {
  const lines: string[] = [];
  for (const p of plan.providers) {
    if (!p.ok) {
      lines.push(`${p.provider}: FAILED (${p.error ?? 'unknown error'}): nothing would be sent or deleted`);
      continue;
    }
    const creates = p.writes.filter((w) => w.action === 'create').length;
    const updates = p.writes.length - creates;
    lines.push(
      `${p.provider}: ${creates} to create, ${updates} to update, ${p.deletes.length} to delete, ${p.unchanged} unchanged, ${p.unlinked} unlinked`,
    );
    for (const w of p.writes) lines.push(describeWrite(w));
    for (const id of p.deletes) lines.push(`  - ${id}`);
    if (p.refusedDeletes.length > 0) {
      lines.push(`  ! ${p.refusedDeletes.length} of ${p.known} would be deleted: refused by the mass-delete guard (--allow-mass-delete)`);
      for (const id of p.refusedDeletes) lines.push(`  ! - ${id}`);
    }
  }
  return lines.join('\n');
}

export function jsonPlan<P>(plan: Plan<P>): unknown {
  return {
    kind: plan.kind,
    providers: plan.providers.map((p) => ({
      name: p.provider,
      ok: p.ok,
      error: p.error ?? null,
      flags: p.seen,
      unlinked: p.unlinked,
      unchanged: p.unchanged,
      create: p.writes.filter((w) => w.action === 'create').map((w) => ({ id: w.entity.id, issueKeys: w.entity.issueKeys })),
      update: p.writes.filter((w) => w.action === 'update').map((w) => ({ id: w.entity.id, changedFields: w.changedFields })),
      delete: p.deletes,
      refusedDeletes: p.refusedDeletes,
      warnings: p.warnings,
    })),
  };
}
