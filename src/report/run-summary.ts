import type Table from 'cli-table3';
import { resultOk, type ProviderResult } from '../reconcile/apply';
import type { RunReport } from '../reconcile/run';
import { groupFailures, type FailureGroup } from './failure-groups';
import { cutText } from '../model/text';
import { heldBackLine, unlinkedLine } from './plan-text';

/** The machine-readable summary printed by `--json` (field names are part of the CLI's interface). */
export interface JsonProviderSummary {
  readonly name: string;
  /** Everything of this provider read, accepted, and no delete held back. */
  readonly ok: boolean;
  readonly status: string;
  readonly error: string | null;
  readonly flags: number;
  readonly unlinked: number;
  readonly unlinkedFlags: readonly string[];
  readonly created: number;
  readonly updated: number;
  readonly deleted: number;
  readonly unchanged: number;
  readonly rejected: number;
  readonly failed: number;
  /** Of `failed`: entities the run did not get to because it stopped early (signal, run timeout, breaker, state). */
  readonly notSent: number;
  readonly deletesRefused: number;
  readonly deletesHeldBack: readonly string[];
  readonly unknownIssueKeys: Readonly<Record<string, readonly string[]>>;
  readonly rejections: ReadonlyArray<{ readonly id: string; readonly messages: readonly string[] }>;
  readonly failures: ReadonlyArray<{ readonly id: string; readonly error: string }>;
  readonly failureGroups: ReadonlyArray<{ kind: string; cause: string; count: number; hint: string | null; ids: readonly string[] }>;
  readonly warnings: readonly string[];
}

/**
 * One word for the table: `source failed` (nothing read), `failed` (Jira gave no answer for some: not sent),
 * `rejected` (Jira refused some), `deletes held` (the guard held deletes back), else `ok`.
 */
export function providerStatus(r: ProviderResult): string {
  if (!r.ok) return 'source failed';
  const words = [
    ...(r.failed.length > 0 ? ['failed'] : []),
    ...(r.rejected.length > 0 ? ['rejected'] : []),
    ...(r.deletesRefused > 0 ? ['deletes held'] : []),
  ];
  return words.length === 0 ? 'ok' : words.join(', ');
}

function planOf(report: RunReport<unknown>, provider: string) {
  return report.plan.providers.find((p) => p.provider === provider);
}

export function jsonRunSummary(report: RunReport<unknown>): { ok: boolean; stopped: string | null; providers: JsonProviderSummary[] } {
  return {
    ok: report.ok,
    stopped: report.stopped ?? null,
    providers: report.results.map((r) => {
      const plan = planOf(report, r.provider);
      return {
        name: r.provider,
        ok: resultOk(r),
        status: providerStatus(r),
        error: r.error ?? null,
        flags: r.seen,
        unlinked: r.unlinked,
        unlinkedFlags: plan?.unlinkedIds ?? [],
        created: r.created,
        updated: r.updated,
        deleted: r.deleted,
        unchanged: r.unchanged,
        rejected: r.rejected.length,
        failed: r.failed.length,
        notSent: r.failed.filter((f) => f.reason === 'aborted').length,
        deletesRefused: r.deletesRefused,
        deletesHeldBack: plan?.refusedDeletes ?? [],
        unknownIssueKeys: r.unknownIssueKeys,
        rejections: r.rejected,
        // What the run did not get to is counted in notSent (and listed in its failure group), not as a failure each.
        failures: r.failed.filter((f) => f.reason !== 'aborted'),
        failureGroups: groupFailures(r.failed, r.rejected).map((g) => ({
          kind: g.kind,
          cause: g.cause,
          count: g.ids.length,
          hint: g.hint ?? null,
          ids: g.ids,
        })),
        warnings: r.warnings,
      };
    }),
  };
}

const IDS_SHOWN = 5;

/** One line of the summary stays readable: a long error (a Jira answer listing every problem) is cut. */
const MAX_ERROR_TEXT = 500;
const bounded = (text: string): string => cutText(text, MAX_ERROR_TEXT, '…');

function groupLines(provider: string, group: FailureGroup): string[] {
  const n = group.ids.length;
  const what = `${n} ${n === 1 ? 'entity' : 'entities'} ${group.kind}`;
  const ids = group.ids.slice(0, IDS_SHOWN).join(', ') + (n > IDS_SHOWN ? `, … and ${n - IDS_SHOWN} more` : '');
  return [`${provider}: ${what}: ${bounded(group.cause)}`, `  (${ids})`, ...(group.hint === undefined ? [] : [`  hint: ${group.hint}`])];
}

/**
 * The table `run --once` ends with, then the reasons for anything that went wrong, identical causes once with their
 * count. "seen" counts flags for flag providers and branches + commits for devinfo providers.
 */
/** `config`: the config file as the command was given it, when not the default (for the commands it prints). */
export function renderRunSummary(report: RunReport<unknown>, config?: string): string {
  // cli-table3 loads for the text summary only (`--json` and the daemon's log lines do without it). `require`: tsx's
  // CommonJS hook has no `import()` of packages here.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const TextTable = require('cli-table3') as typeof Table;
  const table = new TextTable({
    head: ['provider', 'status', 'seen', 'unlinked', 'created', 'updated', 'deleted', 'rejected', 'failed', 'held back', 'unknown keys'],
    style: { head: [], border: [] },
  });
  for (const r of report.results) {
    table.push([
      r.provider,
      providerStatus(r),
      ...[r.seen, r.unlinked, r.created, r.updated, r.deleted, r.rejected.length, r.failed.length, r.deletesRefused].map(String),
      String(Object.keys(r.unknownIssueKeys).length),
    ]);
  }
  const lines = [table.toString()];
  if (report.stopped !== undefined) lines.push(`run stopped early: ${report.stopped}; what was not sent goes next run`);
  for (const r of report.results) {
    const plan = planOf(report, r.provider);
    if (!r.ok) lines.push(`${r.provider}: source failed, nothing sent and nothing deleted: ${bounded(r.error ?? 'unknown error')}`);
    for (const group of groupFailures(r.failed, r.rejected)) lines.push(...groupLines(r.provider, group));
    for (const [id, keys] of Object.entries(r.unknownIssueKeys))
      lines.push(`${r.provider}: ${id}: issue keys unknown to Jira: ${keys.join(', ')}`);
    if (plan !== undefined && plan.unlinkedIds.length > 0) lines.push(`${r.provider}: ${unlinkedLine(plan.unlinkedIds)}`);
    for (const w of r.warnings) lines.push(`${r.provider}: warning: ${w}`);
    if (r.deletesRefused > 0) {
      lines.push(`${r.provider}: ${heldBackLine(r.provider, r.deletesRefused, plan?.known ?? r.deletesRefused, config)}`);
      for (const id of (plan?.refusedDeletes ?? []).slice(0, IDS_SHOWN)) lines.push(`  - ${id}`);
    }
  }
  return lines.join('\n');
}

/** The fields of the "run finished" log line (daemon and run --once alike): counts per provider, no lists. */
export function runFinishedFields(report: RunReport<unknown>): { ok: boolean; providers: ReadonlyArray<Record<string, unknown>> } {
  const summary = jsonRunSummary(report);
  return {
    ok: summary.ok,
    providers: summary.providers.map(
      ({ rejections, failures, warnings, unlinkedFlags, deletesHeldBack, failureGroups, unknownIssueKeys, ...counts }) => counts,
    ),
  };
}
