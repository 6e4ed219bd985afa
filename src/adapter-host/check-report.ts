import type { ProviderCheckReport } from './check-provider';
import { checkPassed } from './check-provider';
import { rolloutText } from '../report/flag-changes';
import type { FlagStatusLike } from '../report/stored-flag';

/** `on`, `on (25%)`, `off`: a state with its rollout, as Jira would show it. */
function stateOf(status: FlagStatusLike): string {
  const rollout = rolloutText(status);
  return `${status.enabled ? 'on' : 'off'}${rollout === undefined ? '' : ` (${rollout})`}`;
}

/** Text and JSON renderings of `flagsync adapter check`. */
function environmentsOf(report: ProviderCheckReport, key: string): string {
  const flag = report.flags.find((f) => f.key === key);
  return (flag?.environments ?? []).map((e) => `${e.name}=${stateOf(e)}`).join(' ');
}

export function renderCheck(report: ProviderCheckReport): string {
  const { adapter } = report;
  const lines = [
    `provider "${report.provider}" (adapter ${adapter.name} ${adapter.version}, contract v${adapter.contractVersion}); environments: ${report.environments.join(', ') || 'none'}`,
  ];
  if (report.error !== undefined) {
    lines.push(`snapshot FAILED after ${report.ms} ms: ${report.error}`);
    return lines.join('\n');
  }
  lines.push(`snapshot: ${report.flags.length} flag(s) in ${report.ms} ms`, '', 'Normalized flags:');
  for (const flag of report.flags) {
    const keys = flag.issueKeys.length > 0 ? `; issueKeys ${flag.issueKeys.join(',')}` : '';
    lines.push(
      `  ${flag.key}${flag.name !== undefined ? ` "${flag.name}"` : ''}: ${environmentsOf(report, flag.key)}${flag.tags.length > 0 ? `; tags ${flag.tags.join(',')}` : ''}${keys}`,
    );
  }
  lines.push('', 'Jira feature flags (not sent):');
  for (const entity of report.preview.entities) {
    const details = entity.flag.details
      .map((d) => `${d.environment.name}[${d.environment.type ?? 'no type'}]=${stateOf(d.status)}`)
      .join(' ');
    lines.push(`  ${entity.id} → ${entity.issueKeys.join(', ')}: ${details}`);
  }
  if (report.preview.entities.length === 0) lines.push('  (none)');
  const unlinked = report.preview.unlinked.map((u) => u.key);
  lines.push('', `Unlinked (no issue key, not sent): ${unlinked.length > 0 ? unlinked.join(', ') : 'none'}`);
  lines.push('', `Skipped (not sent, and not deleted in Jira for that):${report.skipped.length > 0 ? '' : ' none'}`);
  for (const s of report.skipped) lines.push(`  ${s.key}: ${s.reason}`);
  if (report.warnings.length > 0) lines.push('', 'Warnings:', ...report.warnings.map((w) => `  ${w}`));
  if (report.problems.length > 0) lines.push('', 'Problems:', ...report.problems.map((p) => `  ${p}`));
  lines.push('', checkPassed(report) ? 'check passed' : `check FAILED: ${report.problems.length} problem(s)`);
  return lines.join('\n');
}

export function jsonCheck(report: ProviderCheckReport): Record<string, unknown> {
  return {
    ok: checkPassed(report),
    provider: report.provider,
    adapter: report.adapter,
    environments: report.environments,
    ms: report.ms,
    ...(report.error !== undefined ? { error: report.error } : {}),
    problems: report.problems,
    warnings: report.warnings,
    flags: report.flags,
    entities: report.preview.entities.map((e) => ({ id: e.id, key: e.key, issueKeys: e.issueKeys, flag: e.flag, problems: e.problems })),
    unlinked: report.preview.unlinked,
    skipped: report.skipped,
  };
}
