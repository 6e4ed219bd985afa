import type { ProviderConfig } from '../config';
import type { Logger } from '../log';
import type { EnvironmentType, NormalizedFlag } from '../kit/flag';
import { jiraFlagId } from '../model/to-jira-flag';
import type { FlagSource, SkippedFlag } from '../kit/contract';
import { TimeoutError, withTimeout } from '../kit/deadline';
import { createSource } from './instantiate';
import { previewSnapshot, type SnapshotPreview } from './preview';
import { snapshotProblems } from '../kit/snapshot-check';

/**
 * `flagsync adapter check`: one provider's snapshot, judged strictly, and what it would become in Jira. Nothing
 * is sent and no state is read or written.
 */
export interface ProviderCheckReport {
  readonly provider: string;
  readonly adapter: { readonly name: string; readonly version: string; readonly contractVersion: number };
  readonly environments: readonly string[];
  readonly ms: number;
  /** Why the snapshot failed (rejection or timeout); absent when it resolved. */
  readonly error?: string;
  /** Contract problems in what the adapter returned, and Jira schema problems in what it would become. */
  readonly problems: readonly string[];
  readonly flags: readonly NormalizedFlag[];
  readonly preview: SnapshotPreview;
  /**
   * Flags a run would neither send nor delete, with the reason: those the adapter listed in `skipped` (unusable
   * source data) and those the core's mapping refuses.
   */
  readonly skipped: readonly { readonly id: string; readonly key: string; readonly reason: string }[];
  /** Every warning a run would log for this provider's flags. */
  readonly warnings: readonly string[];
}

export function checkPassed(report: ProviderCheckReport): boolean {
  return report.error === undefined && report.problems.length === 0;
}

/** How long the check waits for the adapter's `close` (a run waits as long: src/cli/wiring.ts). */
export const CHECK_CLOSE_TIMEOUT_MS = 10_000;

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Closes the source within a time limit; what went wrong is a problem of the check, never a crash of it. */
async function closeProblems(source: { close?: () => Promise<void> }, timeoutMs: number): Promise<string[]> {
  const { close } = source;
  if (typeof close !== 'function') return [];
  try {
    await withTimeout(async () => close.call(source), timeoutMs);
    return [];
  } catch (error) {
    return error instanceof TimeoutError
      ? [`close(): did not settle within ${timeoutMs} ms (a run waits that long, then goes on without it)`]
      : [`close(): failed: ${messageOf(error)}`];
  }
}

export async function checkProvider(
  provider: ProviderConfig,
  settings: {
    readonly configDir: string;
    readonly dataDir?: string;
    readonly timeoutMs: number;
    readonly logger: Logger;
    readonly closeTimeoutMs?: number;
  },
): Promise<ProviderCheckReport> {
  const { factory } = provider;
  const adapterInfo = { name: factory.name, version: factory.version, contractVersion: factory.contractVersion };
  const empty: SnapshotPreview = { entities: [], unlinked: [], skipped: [] };
  const nothing = { flags: [], preview: empty, skipped: [], warnings: [] };
  const closeTimeoutMs = settings.closeTimeoutMs ?? CHECK_CLOSE_TIMEOUT_MS;
  let created: ReturnType<typeof createSource>;
  try {
    created = createSource(factory, provider.options, {
      providerName: provider.name,
      configDir: settings.configDir,
      ...(settings.dataDir !== undefined && { dataDir: settings.dataDir }),
      logger: settings.logger.child({ provider: provider.name }),
    });
    if (typeof created.source !== 'object' || created.source === null)
      throw new Error(`create() returned ${String(created.source)}, not a source`);
  } catch (error) {
    const failure = `the adapter could not be set up: ${messageOf(error)}`;
    return { provider: provider.name, adapter: adapterInfo, environments: [], ms: 0, error: failure, problems: [], ...nothing };
  }
  const environmentTypes = new Map<string, EnvironmentType | undefined>();
  for (const env of provider.environments) if (env.type !== undefined) environmentTypes.set(env.name, env.type);
  let listed: unknown;
  try {
    listed = created.produces === 'flags' ? created.source.environments : [];
  } catch {
    listed = undefined; // a getter that throws: reported as no list of environments
  }
  const environments = Array.isArray(listed) ? listed.filter((e): e is string => typeof e === 'string') : [];
  const base = { provider: provider.name, adapter: adapterInfo, environments };
  const started = Date.now();
  if (created.produces === 'devinfo') {
    await closeProblems(created.source, closeTimeoutMs);
    const error = `the ${factory.name} adapter produces development information, not feature flags`;
    return { ...base, ms: 0, error, problems: [], ...nothing };
  }
  const adapter = created.source;
  const report = await checkFlagSource(adapter, Array.isArray(listed) ? environments : undefined);
  // Closed within a time limit, as a run closes it; a close that fails or hangs is a problem of the adapter.
  const problems = await closeProblems(adapter, closeTimeoutMs);
  return problems.length === 0 ? report : { ...report, problems: [...report.problems, ...problems] };

  async function checkFlagSource(adapter: FlagSource, listedEnvironments: readonly string[] | undefined): Promise<ProviderCheckReport> {
    let snapshot: unknown;
    try {
      snapshot = await withTimeout((signal) => adapter.snapshot(signal), settings.timeoutMs);
    } catch (error) {
      return { ...base, ms: Date.now() - started, error: messageOf(error), problems: [], ...nothing };
    }
    const ms = Date.now() - started;
    const problems = [
      ...(listedEnvironments === undefined
        ? ['environments: expected the list of environment names the adapter reads (FlagSource.environments)']
        : environmentProblems(listedEnvironments, provider.environments)),
      ...snapshotProblems(snapshot, { provider: provider.name, environments: listedEnvironments ?? [], strict: true }),
    ];
    // A field-level problem already counts; the preview maps only what the codecs accept, and the report shows the
    // flags only when they have the shape a run reads.
    const valid = snapshotProblems(snapshot, { provider: provider.name }).length === 0;
    if (!valid) return { ...base, ms, problems, ...nothing };
    const flags = (snapshot as { flags: NormalizedFlag[] }).flags;
    const sourceSkipped: readonly SkippedFlag[] = (snapshot as { skipped?: readonly SkippedFlag[] }).skipped ?? [];
    problems.push(...skippedProblems(flags, sourceSkipped));
    const preview = previewSnapshot(flags, { environmentTypes, linking: provider.linking });
    // Worded as a run words them (src/reconcile/desired-flags.ts), so the check shows what the logs will say.
    const fromSource = sourceSkipped.map((s) => ({
      id: jiraFlagId(provider.name, s.key),
      key: s.key,
      reason: `the source's data could not be used: ${s.reason}`,
    }));
    return {
      ...base,
      ms,
      problems: [
        ...problems,
        ...preview.entities.flatMap((e) => e.problems.map((p) => `Jira flag ${e.id}: ${p}`)),
        // Without a link a flag never reaches Jira, run after run: the adapter (or its config) must give one.
        ...preview.skipped.filter((s) => s.noLink === true).map((s) => `Jira flag ${s.id}: never sent: ${s.reason}`),
      ],
      flags,
      preview,
      skipped: [...fromSource, ...preview.skipped],
      warnings: [
        ...fromSource.map((s) => `flag ${s.id}: skipped, ${s.reason}`),
        ...preview.entities.flatMap((e) => e.warnings.map((w) => `flag ${e.id}: ${w}`)),
        ...preview.skipped.map((s) => `flag ${s.id}: skipped: ${s.reason}`),
      ],
    };
  }
}

/** The contract asks an adapter to read exactly the configured environments (`adapter.environments`). */
function environmentProblems(listed: readonly string[], configured: readonly { readonly name: string }[]): string[] {
  const wanted = configured.map((e) => e.name);
  const missing = wanted.filter((name) => !listed.includes(name));
  const extra = listed.filter((name) => !wanted.includes(name));
  return [
    ...(missing.length > 0 ? [`environments: the adapter does not list the configured ${missing.map((n) => `"${n}"`).join(', ')}`] : []),
    ...(extra.length > 0 ? [`environments: the adapter lists ${extra.map((n) => `"${n}"`).join(', ')}, which config does not have`] : []),
  ];
}

/** A skipped flag is present but unreadable: it cannot also be in `flags`, nor be skipped twice. */
function skippedProblems(flags: readonly NormalizedFlag[], skipped: readonly SkippedFlag[]): string[] {
  const keys = new Set(flags.map((f) => f.key));
  const seen = new Set<string>();
  const problems: string[] = [];
  skipped.forEach((s, i) => {
    if (keys.has(s.key)) problems.push(`skipped[${i}].key: "${s.key}" is also in flags (a flag is either read or skipped)`);
    if (seen.has(s.key)) problems.push(`skipped[${i}].key: "${s.key}" is listed twice`);
    if (s.reason.trim() === '') problems.push(`skipped[${i}].reason: expected a reason for "${s.key}"`);
    seen.add(s.key);
  });
  return problems;
}
