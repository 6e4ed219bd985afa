import type { SourceAdapter } from '../adapters/contract';
import type { JiraClient } from '../jira/types';
import type { Logger } from '../log';
import type { EnvironmentType } from '../model/flag';
import type { LinkingOptions } from '../model/issue-keys';
import { applyPlan, resultOk, type ProviderResult, type ReconcileKind } from './apply';
import { collectSnapshots } from './collect';
import type { ProviderDesired } from './desired';
import { desiredFlags } from './desired-flags';
import { planRun, type Plan } from './plan';
import { StateLedger } from './state-ledger';
import type { StateStore } from './state-store';

export interface ProviderRuntime {
  readonly name: string;
  /** The adapter's name from config, so a bad snapshot is reported naming it. */
  readonly adapterName?: string;
  readonly adapter: SourceAdapter;
  readonly timeoutMs: number;
  readonly linking: LinkingOptions;
  readonly environmentTypes: ReadonlyMap<string, EnvironmentType | undefined>;
}

export interface RunInput {
  readonly providers: readonly ProviderRuntime[];
  readonly client: JiraClient;
  readonly kind: ReconcileKind;
  readonly store: StateStore;
  readonly logger: Logger;
  readonly now?: () => number;
  readonly signal?: AbortSignal;
  readonly massDeleteThreshold: number;
  readonly allowMassDelete: boolean;
  readonly dryRun: boolean;
  readonly properties?: Readonly<Record<string, string>>;
  /** Minimum time between intermediate state saves during a long submit. */
  readonly saveIntervalMs?: number;
}

export interface RunReport {
  readonly ok: boolean;
  readonly dryRun: boolean;
  readonly plan: Plan;
  /** Empty for a dry run. */
  readonly results: readonly ProviderResult[];
}

/** Snapshot every provider, diff against state, and (unless dry-run) send the changes and record what Jira accepted. */
export async function runOnce(input: RunInput): Promise<RunReport> {
  const now = input.now ?? Date.now;
  const { logger } = input;
  const snapshots = await collectSnapshots(
    input.providers.map((p) => ({ name: p.name, adapter: p.adapter, timeoutMs: p.timeoutMs, adapterName: p.adapterName })),
    input.signal,
  );
  const ledger = new StateLedger(input.store, await input.store.load(), { now, saveIntervalMs: input.saveIntervalMs ?? 5000 });
  const accepted = ledger.records(input.kind.description.kind);
  const acceptedInput = (id: string): string | undefined => accepted[id]?.i;
  const desired: ProviderDesired[] = snapshots.map((snapshot) => {
    const provider = input.providers.find((p) => p.name === snapshot.provider)!;
    if (!snapshot.ok) {
      logger.error(
        { provider: snapshot.provider, error: snapshot.error },
        'provider failed: it contributes nothing and deletes nothing this run',
      );
      return { provider: snapshot.provider, ok: false, error: snapshot.error };
    }
    logger.debug({ provider: snapshot.provider, flags: snapshot.flags.length, ms: snapshot.ms }, 'snapshot read');
    const settings = {
      provider: provider.name,
      linking: provider.linking,
      environmentTypes: provider.environmentTypes,
      properties: input.properties,
    };
    const result = desiredFlags(snapshot.flags, settings, acceptedInput, snapshot.skipped);
    for (const warning of result.warnings) logger.warn({ provider: provider.name }, warning);
    return result;
  });

  const plan = planRun(input.kind.description.kind, desired, ledger.state, {
    massDeleteThreshold: input.massDeleteThreshold,
    allowMassDelete: input.allowMassDelete,
  });
  if (input.dryRun) {
    const ok = plan.providers.every((p) => p.ok && p.refusedDeletes.length === 0);
    return { ok, dryRun: true, plan, results: [] };
  }

  const results = await applyPlan(plan, ledger, {
    client: input.client,
    kind: input.kind,
    logger,
    now,
    signal: input.signal,
    properties: input.properties,
  });
  await ledger.save();
  return { ok: results.every(resultOk), dryRun: false, plan, results };
}
