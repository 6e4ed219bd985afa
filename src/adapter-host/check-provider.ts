import type { ProviderConfig } from '../config';
import type { Logger } from '../log';
import type { EnvironmentType, NormalizedFlag } from '../kit/flag';
import { jiraFlagId } from '../model/to-jira-flag';
import type { SkippedFlag } from '../kit/contract';
import { withTimeout } from '../kit/deadline';
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

export async function checkProvider(
  provider: ProviderConfig,
  settings: { readonly configDir: string; readonly dataDir?: string; readonly timeoutMs: number; readonly logger: Logger },
): Promise<ProviderCheckReport> {
  const { factory } = provider;
  const created = createSource(factory, provider.options, {
    providerName: provider.name,
    configDir: settings.configDir,
    ...(settings.dataDir !== undefined && { dataDir: settings.dataDir }),
    logger: settings.logger.child({ provider: provider.name }),
  });
  const environmentTypes = new Map<string, EnvironmentType | undefined>();
  for (const env of provider.environments) if (env.type !== undefined) environmentTypes.set(env.name, env.type);
  const base = {
    provider: provider.name,
    adapter: { name: factory.name, version: factory.version, contractVersion: factory.contractVersion },
    environments: created.produces === 'flags' ? created.source.environments : [],
  };
  const empty: SnapshotPreview = { entities: [], unlinked: [], skipped: [] };
  const nothing = { flags: [], preview: empty, skipped: [], warnings: [] };
  const started = Date.now();
  if (created.produces === 'devinfo') {
    await created.source.close?.();
    const error = `the ${factory.name} adapter produces development information, not feature flags`;
    return { ...base, ms: 0, error, problems: [], ...nothing };
  }
  const adapter = created.source;
  try {
    let snapshot: unknown;
    try {
      snapshot = await withTimeout((signal) => adapter.snapshot(signal), settings.timeoutMs);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { ...base, ms: Date.now() - started, error: message, problems: [], ...nothing };
    }
    const ms = Date.now() - started;
    const problems = [
      ...environmentProblems(adapter.environments, provider.environments),
      ...snapshotProblems(snapshot, { provider: provider.name, environments: adapter.environments, strict: true }),
    ];
    if (problems.length > 0 && !Array.isArray((snapshot as { flags?: unknown } | null)?.flags)) {
      return { ...base, ms, problems, ...nothing };
    }
    const flags = (snapshot as { flags: NormalizedFlag[] }).flags;
    // A field-level problem already counts; the preview maps only what the codecs accept.
    const valid = snapshotProblems(snapshot, { provider: provider.name }).length === 0;
    const sourceSkipped: readonly SkippedFlag[] = valid ? ((snapshot as { skipped?: readonly SkippedFlag[] }).skipped ?? []) : [];
    problems.push(...skippedProblems(flags, sourceSkipped));
    const preview = previewSnapshot(valid ? flags : [], { environmentTypes, linking: provider.linking });
    // Worded as a run words them (src/reconcile/desired-flags.ts), so the check shows what the logs will say.
    const fromSource = sourceSkipped.map((s) => ({
      id: jiraFlagId(provider.name, s.key),
      key: s.key,
      reason: `the source's data could not be used: ${s.reason}`,
    }));
    return {
      ...base,
      ms,
      problems: [...problems, ...preview.entities.flatMap((e) => e.problems.map((p) => `Jira flag ${e.id}: ${p}`))],
      flags,
      preview,
      skipped: [...fromSource, ...preview.skipped],
      warnings: [
        ...fromSource.map((s) => `flag ${s.id}: skipped, ${s.reason}`),
        ...preview.entities.flatMap((e) => e.warnings.map((w) => `flag ${e.id}: ${w}`)),
        ...preview.skipped.map((s) => `flag ${s.id}: skipped: ${s.reason}`),
      ],
    };
  } finally {
    await adapter.close?.();
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
