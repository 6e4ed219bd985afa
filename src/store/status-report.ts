import type { KindName } from '../jira/types';
import type { SyncState } from '../reconcile/state';
import type { RunProviderSummary, RunRecord } from './types';

/** What the state store knows about one provider's entities of one kind. */
export interface ProviderStatus {
  readonly provider: string;
  readonly kind: KindName;
  /** Records of what Jira accepted (the entities Jira holds from this provider, as far as flagsync knows). */
  readonly inJira: number;
  /** Sent without a final answer (timeout, 5xx): sent again next run. */
  readonly pendingRetry: number;
  /** From the last finished run that read this provider. */
  readonly lastRun?: {
    readonly endedAt: string;
    readonly ok: boolean;
    readonly error?: string;
    readonly rejected: number;
    readonly failed: number;
    /** Deletes the mass-delete guard held back. */
    readonly deletesHeldBack: number;
  };
}

export interface StatusReport {
  readonly store: string;
  readonly runs: readonly RunRecord[];
  readonly providers: readonly ProviderStatus[];
}

function lastSummaries(runs: readonly RunRecord[]): Map<string, { endedAt: string; summary: RunProviderSummary }> {
  const found = new Map<string, { endedAt: string; summary: RunProviderSummary }>();
  for (const run of runs) {
    if (run.endedAt === undefined) continue;
    for (const summary of run.providers ?? [])
      if (!found.has(summary.provider)) found.set(summary.provider, { endedAt: run.endedAt, summary });
  }
  return found;
}

/**
 * `flagsync status`: recent runs (newest first) and per provider and kind the records in state. Providers in the
 * config with nothing recorded yet are listed too (with zeros), so a new provider does not look missing.
 */
export function statusReport(
  store: string,
  state: SyncState,
  runs: readonly RunRecord[],
  configured: readonly { readonly name: string; readonly kind: KindName }[],
): StatusReport {
  const rows = new Map<string, { provider: string; kind: KindName; inJira: number; pendingRetry: number }>();
  for (const [kind, records] of Object.entries(state.entities) as [KindName, SyncState['entities'][KindName]][]) {
    for (const record of Object.values(records ?? {})) {
      const key = `${record.p}\u0000${kind}`;
      const row = rows.get(key) ?? { provider: record.p, kind, inJira: 0, pendingRetry: 0 };
      // A record whose hash was forgotten was sent without a final answer; it is sent again next run.
      if (record.h === '') row.pendingRetry++;
      else row.inJira++;
      rows.set(key, row);
    }
  }
  for (const { name, kind } of configured) {
    if (![...rows.values()].some((r) => r.provider === name)) rows.set(name, { provider: name, kind, inJira: 0, pendingRetry: 0 });
  }
  const last = lastSummaries(runs);
  const providers = [...rows.values()]
    .sort((a, b) => a.provider.localeCompare(b.provider) || a.kind.localeCompare(b.kind))
    .map((row): ProviderStatus => {
      const seen = last.get(row.provider);
      if (seen === undefined) return row;
      const { summary, endedAt } = seen;
      return {
        ...row,
        lastRun: {
          endedAt,
          ok: summary.ok,
          ...(summary.error === undefined ? {} : { error: summary.error }),
          rejected: summary.rejected,
          failed: summary.failed,
          deletesHeldBack: summary.deletesRefused,
        },
      };
    });
  return { store, runs, providers };
}
