import Table from 'cli-table3';
import { openStateBackend } from '../../store';
import { statusReport, type StatusReport } from '../../store/status-report';
import { loadConfigOrExit } from '../context';
import type { GlobalOptions } from '../options';
import { EXIT_OK, EXIT_USAGE, ExitError } from '../exit';
import { printOut } from '../output';

export interface StatusOptions extends GlobalOptions {
  /** How many recent runs to list. */
  readonly runs?: string;
}

function renderStatus(report: StatusReport): string {
  const runs = new Table({ head: ['started', 'ended', 'outcome', 'replica', 'reason'], style: { head: [], border: [] } });
  for (const r of report.runs) runs.push([r.startedAt, r.endedAt ?? '-', r.outcome, r.replica, r.reason ?? '']);
  const providers = new Table({
    head: ['provider', 'kind', 'in Jira', 'pending retry', 'rejected', 'failed', 'deletes held back', 'last run'],
    style: { head: [], border: [] },
  });
  for (const p of report.providers) {
    const last = p.lastRun;
    providers.push([
      p.provider,
      p.kind,
      p.inJira,
      p.pendingRetry,
      last?.rejected ?? '-',
      last?.failed ?? '-',
      last?.deletesHeldBack ?? '-',
      last === undefined ? 'never' : `${last.ok ? 'ok' : `failed${last.error === undefined ? '' : `: ${last.error}`}`} (${last.endedAt})`,
    ]);
  }
  const noRuns = report.runs.length === 0 ? 'no runs recorded yet' : runs.toString();
  return `state: ${report.store}\n\nlast runs (newest first):\n${noRuns}\n\nper provider (rejected, failed and held-back deletes from its last run):\n${providers.toString()}`;
}

/** `flagsync status`: what the state store knows: recent runs, and per provider what Jira holds and what is pending. */
export async function statusCommand(options: StatusOptions): Promise<number> {
  const runsOption = options.runs ?? '10';
  if (!/^[1-9][0-9]{0,5}$/.test(runsOption))
    throw new ExitError(EXIT_USAGE, [`flagsync status: --runs: expected a whole number ≥ 1, got "${runsOption}"`]);
  // Reads the state store only: no Jira credentials needed.
  const config = await loadConfigOrExit(options.config, { jiraUnused: true, sourcesUnused: true });
  const limit = Number(runsOption);
  const backend = openStateBackend(config.state, { readOnly: true });
  try {
    const [state, runs] = await Promise.all([backend.state.load(), backend.runs.recent(limit)]);
    const report = statusReport(
      backend.where,
      state,
      runs,
      // What a provider with nothing recorded yet will hold: devinfo for an adapter that says so (contract v2).
      config.providers.map((p) => ({
        name: p.name,
        kind: 'produces' in p.factory && p.factory.produces === 'devinfo' ? 'devinfo' : 'featureflags',
      })),
    );
    printOut(options.json === true ? JSON.stringify(report) : renderStatus(report));
    return EXIT_OK;
  } finally {
    await backend.close();
  }
}
