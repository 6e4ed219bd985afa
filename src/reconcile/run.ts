import type { JiraClient } from '../jira/types';
import { IN_SUMMARY, type Logger } from '../log';
import { applyPlan, resultOk, type ProviderResult } from './apply';
import { collectSources } from './collect';
import type { ReconcileKind } from './kind';
import { planRun, type Plan } from './plan';
import { acceptedSourceOf, sourceRecordAfter } from './source-skip';
import type { ProviderRuntime } from './provider';
import { StateLedger } from './state-ledger';
import type { StateStore } from './state-store';
import type { SyncState } from './state';

export type { ProviderRuntime } from './provider';

export interface RunInput<S, P, M, E> {
  readonly providers: readonly ProviderRuntime[];
  readonly client: JiraClient;
  readonly kind: ReconcileKind<S, P, M, E>;
  readonly store: StateStore;
  readonly logger: Logger;
  readonly now?: () => number;
  readonly signal?: AbortSignal;
  readonly massDeleteThreshold: number;
  readonly massDeleteMinimum?: number;
  readonly allowMassDelete: boolean;
  /** Only some of the configured providers are read (`--provider`): leave the others' entities alone. */
  readonly scoped?: boolean;
  readonly dryRun: boolean;
  readonly properties?: Readonly<Record<string, string>>;
  /** Minimum time between intermediate state saves during a long submit. */
  readonly saveIntervalMs?: number;
}

export interface RunReport<P> {
  readonly ok: boolean;
  readonly dryRun: boolean;
  readonly plan: Plan<P>;
  /** Empty for a dry run. */
  readonly results: readonly ProviderResult[];
}

function holdsSomething(state: SyncState): boolean {
  for (const records of [state.sources ?? {}, ...Object.values(state.entities)]) for (const _ in records) return true;
  return false;
}

/**
 * The one reconcile pipeline, for every kind: read every provider, ask the kind what each wants Jira to hold, diff
 * against state, and (unless dry-run) send the changes and deletes and record what Jira accepted.
 */
export async function runOnce<S, P, M, E>(input: RunInput<S, P, M, E>): Promise<RunReport<P>> {
  const now = input.now ?? Date.now;
  const { logger, kind } = input;
  const ledger = new StateLedger(input.store, await input.store.load(), { now, saveIntervalMs: input.saveIntervalMs ?? 5000 });
  const skipping = kind.sourceSkipping;
  const settingsKeys = new Map(input.providers.map((p) => [p.name, skipping?.settingsKey(p, input.properties) ?? '']));
  const sources = await collectSources(kind, input.providers, input.signal, (provider) =>
    skipping === undefined ? undefined : acceptedSourceOf(ledger.state, kind.name, provider.name, settingsKeys.get(provider.name)!),
  );
  const accepted = ledger.records(kind.name);
  const desired = kind.desire(sources, { acceptedInput: (id) => accepted[id]?.i, properties: input.properties, state: ledger.state });
  for (const [i, source] of desired.entries()) {
    if (!source.ok) {
      logger.error(
        { provider: source.provider, error: source.error, ...IN_SUMMARY },
        'provider failed: it contributes nothing and deletes nothing this run',
      );
      continue;
    }
    logger.debug({ provider: source.provider, kind: kind.name, seen: source.seen, ms: sources[i]?.ms }, 'snapshot read');
    for (const warning of source.warnings) logger.warn({ provider: source.provider, ...IN_SUMMARY }, warning);
  }

  const plan = planRun(kind.name, desired, ledger.state, {
    massDeleteThreshold: input.massDeleteThreshold,
    massDeleteMinimum: input.massDeleteMinimum,
    allowMassDelete: input.allowMassDelete,
    scoped: input.scoped,
    isHistory: kind.isHistory,
  });
  if (input.dryRun) {
    const ok = plan.providers.every((p) => p.ok && p.refusedDeletes.length === 0);
    return { ok, dryRun: true, plan, results: [] };
  }
  // A source that was read may have changed: its record goes before anything is sent (a stop mid-run must not leave
  // a fingerprint beside records of another version), and comes back only when Jira accepted all of it.
  const reports = new Map(
    sources.flatMap((source) => (source.ok && skipping ? [[source.provider.name, skipping.report(source.data)]] : [])),
  );
  for (const [provider, report] of reports) if (!report.unchanged) ledger.setSource(provider, undefined);
  const results = await applyPlan(plan, ledger, {
    client: input.client,
    kind,
    logger,
    now,
    signal: input.signal,
    properties: input.properties,
    productOf: (name) => input.providers.find((p) => p.name === name)?.adapter.product,
  });
  for (const result of results) {
    const report = reports.get(result.provider);
    const record = report === undefined ? undefined : sourceRecordAfter(report, result, settingsKeys.get(result.provider)!);
    if (record !== undefined) ledger.setSource(result.provider, record);
  }
  // Nothing changed and the store already holds a state: it says all of this already.
  if (ledger.hasChanges || !holdsSomething(ledger.state)) await ledger.save();
  return { ok: results.every(resultOk), dryRun: false, plan, results };
}
