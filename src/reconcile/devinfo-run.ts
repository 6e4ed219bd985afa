import { isLeft } from 'fp-ts/Either';
import type { SourceAdapter } from '../adapters/contract';
import { describeErrors } from '../codec/decode';
import { DevinfoSnapshotCodec, type DevRepository } from '../model/devinfo';
import { resultOk } from './apply';
import { withTimeout } from './collect';
import type { ProviderDesired } from './desired';
import { applyDevinfoPlan } from './devinfo-apply';
import { desiredDevinfo } from './devinfo-desired';
import { isCommitEntityId } from './devinfo-kind';
import { planRun } from './plan';
import type { RunInput, RunReport } from './run';
import { StateLedger } from './state-ledger';

export interface DevinfoProviderRuntime {
  readonly name: string;
  readonly adapter: SourceAdapter;
  readonly timeoutMs: number;
}

/** The flag run's input, with devinfo providers (the reconcile kind is fixed). */
export interface DevinfoRunInput extends Omit<RunInput, 'providers' | 'kind' | 'saveIntervalMs'> {
  readonly providers: readonly DevinfoProviderRuntime[];
}

/** Validates what an adapter returned, as checkSnapshot does for flags. */
export function checkDevinfoSnapshot(value: unknown): readonly DevRepository[] {
  const decoded = DevinfoSnapshotCodec.decode(value);
  if (isLeft(decoded))
    throw new Error(`adapter returned an invalid devinfo snapshot: ${describeErrors(decoded.left).slice(0, 5).join('; ')}`);
  return decoded.right.repositories;
}

interface Collected {
  readonly desired: ProviderDesired;
  /** Every repository the provider listed, linked branches or not. */
  readonly repositoryIds: readonly string[];
}

async function collect(provider: DevinfoProviderRuntime, signal?: AbortSignal): Promise<Collected> {
  try {
    const read = provider.adapter.snapshotDevinfo;
    if (read === undefined) throw new Error('adapter does not implement snapshotDevinfo');
    const snapshot = await withTimeout((s) => read.call(provider.adapter, s), provider.timeoutMs, signal);
    const repositories = checkDevinfoSnapshot(snapshot);
    return { desired: desiredDevinfo(repositories, provider.name), repositoryIds: repositories.map((r) => r.id) };
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    const message = text.startsWith(`${provider.name}: `) ? text.slice(provider.name.length + 2) : text;
    return { desired: { provider: provider.name, ok: false, error: message }, repositoryIds: [] };
  }
}

/**
 * A Jira repository id belongs to one provider: two providers listing the same id would take its state records from
 * each other every run, and one's vanished branch would delete the other's. The earlier provider (config order)
 * keeps the id; a later one listing it fails as a whole, so it sends and deletes nothing.
 */
export function claimRepositories(collected: readonly Collected[]): ProviderDesired[] {
  const owner = new Map<string, string>();
  return collected.map(({ desired, repositoryIds }) => {
    if (!desired.ok) return desired;
    const taken = repositoryIds.find((id) => owner.has(id) && owner.get(id) !== desired.provider);
    if (taken !== undefined) {
      return {
        provider: desired.provider,
        ok: false,
        error: `repository id "${taken}" is already listed by provider "${owner.get(taken)}"; provider "${desired.provider}" must give its repository another id`,
      };
    }
    for (const id of repositoryIds) owner.set(id, desired.provider);
    return desired;
  });
}

/**
 * Commits that left a provider's window (older than its most recent N) are forgotten, not deleted: they are still
 * history. Only a provider that was read successfully forgets anything.
 */
function forgetOldCommits(ledger: StateLedger, desired: readonly ProviderDesired[]): void {
  const records = ledger.records('devinfo');
  for (const source of desired) {
    if (!source.ok) continue;
    const wanted = new Set(source.entities.map((e) => e.id));
    for (const [id, record] of Object.entries(records)) {
      if (record.p === source.provider && isCommitEntityId(id) && !wanted.has(id)) ledger.remove('devinfo', id);
    }
  }
}

/** Reads every devinfo provider, diffs branches and commits against state, sends changes and deletes vanished branches. */
export async function runDevinfoOnce(input: DevinfoRunInput): Promise<RunReport> {
  const now = input.now ?? Date.now;
  const desired = claimRepositories(await Promise.all(input.providers.map((p) => collect(p, input.signal))));
  for (const d of desired) {
    if (!d.ok)
      input.logger.error({ provider: d.provider, error: d.error }, 'provider failed: it contributes nothing and deletes nothing this run');
  }
  const ledger = new StateLedger(input.store, await input.store.load(), { now, saveIntervalMs: Number.POSITIVE_INFINITY });
  forgetOldCommits(ledger, desired);
  const plan = planRun('devinfo', desired, ledger.state, {
    massDeleteThreshold: input.massDeleteThreshold,
    allowMassDelete: input.allowMassDelete,
    guarded: (id) => !isCommitEntityId(id),
  });
  if (input.dryRun) return { ok: plan.providers.every((p) => p.ok && p.refusedDeletes.length === 0), dryRun: true, plan, results: [] };
  const results = await applyDevinfoPlan(plan, ledger, {
    client: input.client,
    logger: input.logger,
    now,
    signal: input.signal,
    properties: input.properties,
  });
  await ledger.save();
  return { ok: results.every(resultOk), dryRun: false, plan, results };
}
