import type { JiraClient, KindName } from '../jira/types';
import { withTimeout } from '../kit/deadline';
import { IN_SUMMARY, type Logger } from '../log';
import { applyPlan, resultOk, type ProviderResult } from './apply';
import { collectSources, type CheckedSource } from './collect';
import type { ReconcileKind } from './kind';
import { planRun, type Plan } from './plan';
import { acceptedSourceInSummary, acceptedSourceOf, sourceRecordAfter, unchangedPlanFromSummary, unchangedResults } from './source-skip';
import type { ProviderRuntime } from './provider';
import { StateLedger } from './state-ledger';
import type { StateStore } from './state-store';
import type { StateSummary, SyncState } from './state';

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
  /**
   * Every provider in the config, of every kind. A source record of a provider not among them is dropped (and a
   * state that holds one is loaded): a provider removed and later added back must be read again, not taken as
   * unchanged. Unset: source records of unknown providers are kept.
   */
  readonly configuredProviders?: readonly string[];
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
  /** Why the run stopped before it was done (a signal, the run timeout, the circuit breaker, a state save error). */
  readonly stopped?: string;
}

function holdsSomething(state: SyncState): boolean {
  for (const records of [state.sources ?? {}, state.repositories ?? {}, ...Object.values(state.entities)])
    for (const _ in records) return true;
  return false;
}

/**
 * The one reconcile pipeline, for every kind: read every provider, ask the kind what each wants Jira to hold, diff
 * against state, and (unless dry-run) send the changes and deletes and record what Jira accepted.
 */
export async function runOnce<S, P, M, E>(input: RunInput<S, P, M, E>): Promise<RunReport<P>> {
  const now = input.now ?? Date.now;
  // Before any source is read: a commit authored after a first sync began is work that sync did not see.
  const startedAt = new Date(now()).toISOString();
  const { logger, kind } = input;
  const skipping = kind.sourceSkipping?.appliesTo?.(input.providers) === false ? undefined : kind.sourceSkipping;
  const configured = input.scoped === true ? undefined : input.configuredProviders;
  // With the store's summary, sources are read against it: if every one is unchanged, the run ends without loading
  // the records (at 100k flags, loading them is most of such a run); otherwise state is loaded after reading.
  const settingsKeys = new Map(input.providers.map((p) => [p.name, skipping?.settingsKey(p, input.properties) ?? '']));
  let summary = skipping === undefined ? undefined : await input.store.loadSummary?.();
  // Except when a source says cheaply that it changed (isUnchanged): the run needs state then, and loaded before that
  // source is parsed, state is not added on top of the parse's garbage at the run's peak.
  const checked = new Map<string, CheckedSource>();
  if (
    summary !== undefined &&
    (await someSourceChanged(kind.name, input.providers, summary, settingsKeys, input.signal, checked, kind.readsState === true))
  ) {
    summary = undefined;
  }
  const loaded = summary === undefined ? await input.store.load() : undefined;
  let sources = await collectSources(
    kind,
    input.providers,
    input.signal,
    (provider) => {
      if (skipping === undefined) return undefined;
      const mapping = settingsKeys.get(provider.name)!;
      return summary === undefined
        ? acceptedSourceOf(loaded!, kind.name, provider.name, mapping)
        : acceptedSourceInSummary(summary, kind.name, provider.name, mapping);
    },
    checked,
    loaded,
  );
  if (summary !== undefined && sources.every((s) => s.ok && skipping!.report(s.data).unchanged)) {
    const plan = unchangedPlanFromSummary<P>(
      summary,
      kind.name,
      input.providers.map((p) => p.name),
      input.scoped === true,
    );
    const stale = configured !== undefined && Object.keys(summary.sources).some((name) => !configured.includes(name));
    if (plan !== undefined && !stale) {
      logger.debug({ kind: kind.name, providers: plan.providers.length }, 'every source unchanged: state not loaded');
      return { ok: true, dryRun: input.dryRun, plan, results: input.dryRun ? [] : unchangedResults(plan) };
    }
  }
  const state = loaded ?? (await input.store.load());
  const ledger = new StateLedger(input.store, state, { now, saveIntervalMs: input.saveIntervalMs ?? 5000 });
  const accepted = ledger.records(kind.name);
  let desired = kind.desire(sources, { acceptedInput: (id) => accepted[id]?.i, properties: input.properties, state: ledger.state });
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
  // Skipping that does not apply to this set of providers (devinfo with several) cannot tell a changed source either:
  // a record an earlier run left would vouch for data it no longer describes once skipping applies again.
  if (skipping === undefined && kind.sourceSkipping !== undefined) {
    for (const source of sources)
      if (ledger.state.sources?.[source.provider.name] !== undefined) ledger.setSource(source.provider.name, undefined);
  }
  for (const provider of Object.keys(ledger.state.sources ?? {}))
    if (configured !== undefined && !configured.includes(provider)) ledger.setSource(provider, undefined);
  // Entities held back for problems of their own (kept, not sent) are read and named again next run: no source record.
  const heldBack = new Set(desired.flatMap((d) => (d.ok && d.keep.size > 0 ? [d.provider] : [])));
  // What recording first syncs needs of the sources and of what they want, taken before both are let go (only for a
  // kind that records them: a flag run keeps no `keep` set alive through its send).
  const firstSyncs = kind.firstSyncs;
  const listed = new Map<string, ReadonlyMap<string, string | undefined>>();
  const kept = new Map<string, ReadonlySet<string>>();
  if (firstSyncs !== undefined) {
    for (const source of sources) {
      const ids = source.ok ? firstSyncs.listed(source.data) : undefined;
      if (ids !== undefined) listed.set(source.provider.name, ids);
    }
    for (const d of desired) if (d.ok && d.keep.size > 0) kept.set(d.provider, d.keep);
  }
  // What the sources gave and what they want beyond the plan's writes are not needed to send: let them go, so the
  // collections during a long send do not walk them (at 100k flags, the normalized flags alone are ~70 MB).
  // eslint-disable-next-line no-useless-assignment -- released for the garbage collector, not read again
  sources = [];
  // eslint-disable-next-line no-useless-assignment -- as above
  desired = [];
  const sends = plan.providers.some((p) => p.writes.length > 0 || p.deletes.length > 0);
  const signal = await writableOrStopped(input.store, ledger, input.signal, sends);
  const results = await applyPlan(plan, ledger, {
    client: input.client,
    kind,
    logger,
    now,
    signal,
    properties: input.properties,
    productOf: (name) =>
      productOf(
        input.providers.find((p) => p.name === name),
        logger,
      ),
  });
  // Only a provider whose every entity Jira accepted gets its source record (sourceRecordAfter): after a stop too, as
  // long as the stop cut none of its work (it came after the provider's last answer).
  for (const result of results) {
    const report = reports.get(result.provider);
    if (report === undefined || heldBack.has(result.provider)) continue;
    const record = sourceRecordAfter(report, result, settingsKeys.get(result.provider)!);
    if (record !== undefined) ledger.setSource(result.provider, record);
  }
  // Records of this kind's providers only: a provider of another kind may carry the name of one removed from here.
  const providers = input.scoped === true ? undefined : input.providers.map((p) => p.name);
  firstSyncs?.record(ledger, { listed, kept, results, providers, now: startedAt });
  if (summary === undefined && !ledger.hasChanges) await input.store.keepSummary?.(ledger.state);
  return finishRun(ledger, logger, { ok: results.every(resultOk), dryRun: false, plan, results });
}

/**
 * The source product an adapter reports (`product`, often a getter), for `providerMetadata.product`: a string of 1 to
 * 255 characters, else undefined (the client's own). A getter that throws costs the name, never the run: it is
 * logged, naming the provider.
 */
function productOf(provider: ProviderRuntime | undefined, logger: Logger): string | undefined {
  if (provider === undefined) return undefined;
  let product: unknown;
  try {
    product = provider.source.source.product;
  } catch (error) {
    logger.warn({ provider: provider.name, err: error }, "the adapter's product could not be read; requests name flagsync instead");
    return undefined;
  }
  return typeof product === 'string' && product.trim() !== '' && product.length <= 255 ? product : undefined;
}

/**
 * Whether the run certainly needs state: some provider has no source the summary vouches for, or says (cheaply,
 * through `isUnchanged`) that its source moved. A provider that cannot say is not counted as changed, unless the
 * kind's read needs state (`readsState`: devinfo's cursors), which is then loaded before it is read.
 */
async function someSourceChanged(
  kind: KindName,
  providers: readonly ProviderRuntime[],
  summary: StateSummary,
  settingsKeys: ReadonlyMap<string, string>,
  signal: AbortSignal | undefined,
  checked: Map<string, CheckedSource>,
  readsState: boolean,
): Promise<boolean> {
  const answers = await Promise.all(
    providers.map(async (provider) => {
      const accepted = acceptedSourceInSummary(summary, kind, provider.name, settingsKeys.get(provider.name)!);
      if (accepted === undefined) return true;
      const { isUnchanged: check, snapshotUnlessUnchanged } = provider.source.source;
      // The contract has the check beside the skip it stands for: an adapter with the one but not the other is read.
      // Read without state, unless its read needs state: then the run loads it first ("changed").
      if (check === undefined || snapshotUnlessUnchanged === undefined) return readsState;
      let unchanged: boolean;
      try {
        unchanged = await withTimeout((s) => check.call(provider.source.source, s, accepted), provider.timeoutMs, signal);
      } catch {
        unchanged = false; // the snapshot (a full read) says what is wrong
      }
      checked.set(provider.name, { accepted, unchanged });
      return !unchanged;
    }),
  );
  return answers.includes(true);
}

/**
 * The signal a run sends under: the caller's, and the ledger's, which aborts when state cannot be written. Before
 * anything is sent the store must prove it can be written (a full disk, a read-only folder): if not, the signal
 * is already aborted and the run sends nothing, reporting why.
 */
export async function writableOrStopped(
  store: StateStore,
  ledger: StateLedger,
  outer: AbortSignal | undefined,
  sends: boolean,
): Promise<AbortSignal> {
  const signal = AbortSignal.any(outer === undefined ? [ledger.signal] : [outer, ledger.signal]);
  // A run with nothing to send writes nothing (an unchanged state is not rewritten), so it needs no check.
  if (signal.aborted || !sends) return signal;
  try {
    await store.checkWritable();
  } catch (error) {
    ledger.stop(error);
  }
  return signal;
}

/** Saves state at the end of a run; a store that cannot be written (now or earlier) makes the run fail, saying why. */
export async function finishRun<P>(ledger: StateLedger, logger: Logger, report: RunReport<P>): Promise<RunReport<P>> {
  try {
    // Nothing changed and the store already holds a state: it says all of this already. Otherwise the save is tried
    // even after a failed write: space may have come back, and what landed is then kept.
    if (ledger.hasChanges || !holdsSomething(ledger.state)) await ledger.save();
  } catch {
    // ledger.failed holds the cause.
  }
  if (ledger.failed === undefined) return report;
  const stopped = `state cannot be written, so the run stopped sending: ${ledger.failed}`;
  logger.error({ reason: ledger.failed }, 'state cannot be written: the run stopped sending; the next run with a writable store recovers');
  return { ...report, ok: false, stopped };
}
