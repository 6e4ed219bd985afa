import type { FlagsyncConfig } from '../../config';
import { CircuitBreaker } from '../../jira/breaker';
import type { JiraClient } from '../../jira/types';
import type { Logger } from '../../log';
import { devinfoReconcileKind } from '../../reconcile/devinfo-kind';
import { flagReconcileKind } from '../../reconcile/flag-kind';
import { runOnce, type RunReport } from '../../reconcile/run';
import type { StateStore } from '../../reconcile/state-store';
import { drainSpool, spooledFiles } from '../../send/spool';
import { spoolDirOf } from '../../send/spool-dir';
import { observedClient, observedProviders, type SyncProgress } from '../progress';
import { closeProviders, createClient, createProviders, createStateStore } from '../wiring';

export interface SyncOptions {
  readonly dryRun: boolean;
  readonly allowMassDelete: boolean;
  readonly signal?: AbortSignal;
  /** The state store of the run's backend (default: the config's file store); loaded after the writer lock is taken. */
  readonly store?: StateStore;
  /** Minimum time between saves during a run (the backend's choice). */
  readonly saveIntervalMs?: number;
  /** `--provider NAME`: read, send and delete for this provider only; the others' entities are left alone. */
  readonly only?: string;
  /** Progress on a terminal (reads, then batches sent). */
  readonly progress?: SyncProgress;
  /** What set `config.sync.runTimeoutSeconds`, for the reason a timed-out run gives (default the config key). */
  readonly runTimeoutNamed?: string;
}

// A call, not `signal.aborted`: TypeScript would take it as still false after an `await` that can abort it.
const aborted = (signal: AbortSignal | undefined): boolean => signal?.aborted === true;

/**
 * Builds and deployments spooled by `flagsync send --spool` while Jira was unreachable; delivered on every run.
 * Resolves with whether a stop left spooled events undelivered (the run then counts as stopped early).
 */
async function drainSpooledEvents(config: FlagsyncConfig, client: JiraClient, logger: Logger, signal?: AbortSignal): Promise<boolean> {
  const dir = spoolDirOf(config);
  try {
    if (aborted(signal)) return (await spooledFiles(dir)).length > 0;
    const report = await drainSpool(dir, client, logger, config.jira.properties);
    if (report.delivered + report.rejected.length + report.remaining > 0) {
      logger.info({ dir, delivered: report.delivered, refused: report.rejected.length, remaining: report.remaining }, 'spool drained');
    }
    // The drain itself can stop the run: the circuit breaker opens on the client it sends with.
    return aborted(signal) && report.remaining > 0;
  } catch (error) {
    logger.error({ dir, err: error }, 'spool: cannot be read; events stay where they are');
  }
  return false;
}

/** Whether state may hold devinfo records: the summary says (cheap), or there is none to ask (then maybe). */
async function mayHoldDevinfo(store: StateStore): Promise<boolean> {
  const summary = await store.loadSummary?.();
  return summary === undefined || Object.keys(summary.holdings.devinfo ?? {}).length > 0;
}

/**
 * One full sync (or plan) of every configured provider: flag sources through the flag reconciler, devinfo sources
 * (`produces: 'devinfo'`) through the devinfo kind of the same pipeline, one after the other on the same state file and
 * client; then the spool. The report lists both kinds of providers.
 */
/**
 * The longest a run lasts: its timeout, then the batch in flight (a request's timeout) and the save. A writer lock held
 * for longer was most likely left behind by a holder that is gone.
 */
export const longestRunMs = (config: FlagsyncConfig): number =>
  (config.sync.runTimeoutSeconds + config.jira.requestTimeoutSeconds) * 1000 + 10_000;

export async function syncOnce(config: FlagsyncConfig, logger: Logger, options: SyncOptions): Promise<RunReport<unknown>> {
  // A run ends early, the way SIGTERM ends it (batch in flight finishes, state saved), on a signal, at the run
  // timeout, or when the circuit breaker opens; the report says which.
  const breaker = new CircuitBreaker(config.jira.maxConsecutiveFailures);
  const runTimeoutMs = config.sync.runTimeoutSeconds * 1000;
  const timeout = AbortSignal.timeout(runTimeoutMs);
  const signal = AbortSignal.any([...(options.signal === undefined ? [] : [options.signal]), timeout, breaker.signal]);
  const { report, spoolLeft } = await syncWith(config, logger, options, breaker, signal);
  // A stop that cut nothing (it came after the last answer, while state was saved) leaves a run that did all its work,
  // ok or failed on its own: a daemon's slot it ran counts as synced.
  if (!signal.aborted || report.stopped !== undefined || !(spoolLeft || cutShort(report))) return report;
  const stopped = timeout.aborted
    ? `the run took longer than ${options.runTimeoutNamed ?? 'sync.runTimeoutSeconds'} (${config.sync.runTimeoutSeconds} s)`
    : (breaker.reason ?? reasonOf(options.signal));
  logger.error({ reason: stopped }, 'run stopped early: what was not sent goes next run');
  return { ...report, ok: false, stopped };
}

/**
 * Whether the run left work undone: a provider not read or planned (a read the stop refused or cut, or one that failed
 * on its own: a stop cannot tell them apart), or an entity not sent (reason 'aborted').
 */
function cutShort(report: RunReport<unknown>): boolean {
  return report.plan.providers.some((p) => !p.ok) || report.results.some((r) => r.failed.some((f) => f.reason === 'aborted'));
}

function reasonOf(signal: AbortSignal | undefined): string {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason.message : 'stopped';
}

async function syncWith(
  config: FlagsyncConfig,
  logger: Logger,
  options: SyncOptions,
  breaker: CircuitBreaker,
  signal: AbortSignal,
): Promise<{ readonly report: RunReport<unknown>; readonly spoolLeft: boolean }> {
  const { progress } = options;
  const created = createProviders(config, logger, options.only);
  const providers = progress === undefined ? created : observedProviders(created, progress);
  const client =
    progress === undefined ? createClient(config, logger, breaker) : observedClient(createClient(config, logger, breaker), progress);
  const store = options.store ?? createStateStore(config);
  const common = {
    client,
    store,
    logger,
    signal,
    massDeleteThreshold: config.sync.massDeleteThreshold,
    massDeleteMinimum: config.sync.massDeleteMinimum,
    allowMassDelete: options.allowMassDelete,
    scoped: options.only !== undefined,
    configuredProviders: config.providers.map((p) => p.name),
    dryRun: options.dryRun,
    properties: config.jira.properties,
    ...(options.saveIntervalMs === undefined ? {} : { saveIntervalMs: options.saveIntervalMs }),
  };
  try {
    const devinfo = providers.filter((p) => p.source.produces === 'devinfo');
    const flags = await runOnce({
      ...common,
      providers: providers.filter((p) => p.source.produces === 'flags'),
      kind: flagReconcileKind,
    });
    // Without devinfo providers the devinfo kind still runs while state holds devinfo of a provider removed from the
    // config: that run is what deletes it from Jira.
    const drain = () => (options.dryRun ? Promise.resolve(false) : drainSpooledEvents(config, client, logger, signal));
    if (devinfo.length === 0 && (options.only !== undefined || !(await mayHoldDevinfo(store)))) {
      return { report: flags, spoolLeft: await drain() };
    }
    const dev = await runOnce({ ...common, providers: devinfo, kind: devinfoReconcileKind });
    const spoolLeft = await drain();
    const report = {
      ok: flags.ok && dev.ok,
      dryRun: flags.dryRun,
      ...((flags.stopped ?? dev.stopped) !== undefined && { stopped: flags.stopped ?? dev.stopped }),
      plan: { kind: flags.plan.kind, providers: [...flags.plan.providers, ...dev.plan.providers] },
      results: [...flags.results, ...dev.results],
    };
    return { report, spoolLeft };
  } finally {
    await closeProviders(providers, logger);
  }
}
