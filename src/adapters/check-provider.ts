import type { ProviderConfig } from '../config';
import type { Logger } from '../log';
import type { EnvironmentType, NormalizedFlag } from '../model/flag';
import { ADAPTER_CONTRACT_VERSION } from './contract';
import { previewSnapshot, type SnapshotPreview } from './preview';
import { snapshotProblems } from './snapshot-check';

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
  readonly warnings: readonly string[];
}

export function checkPassed(report: ProviderCheckReport): boolean {
  return report.error === undefined && report.problems.length === 0;
}

function withDeadline<T>(work: (signal: AbortSignal) => Promise<T>, ms: number): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`timed out after ${ms} ms`);
      controller.abort(error);
      reject(error);
    }, ms);
  });
  return Promise.race([work(controller.signal), deadline]).finally(() => clearTimeout(timer));
}

export async function checkProvider(
  provider: ProviderConfig,
  settings: { readonly configDir: string; readonly timeoutMs: number; readonly logger: Logger },
): Promise<ProviderCheckReport> {
  const { factory } = provider;
  const adapter = factory.create(provider.options, {
    providerName: provider.name,
    configDir: settings.configDir,
    logger: settings.logger.child({ provider: provider.name }),
  });
  const environmentTypes = new Map<string, EnvironmentType | undefined>();
  for (const env of provider.environments) if (env.type !== undefined) environmentTypes.set(env.name, env.type);
  const base = {
    provider: provider.name,
    adapter: { name: factory.name, version: factory.version, contractVersion: ADAPTER_CONTRACT_VERSION },
    environments: adapter.environments,
  };
  const empty: SnapshotPreview = { entities: [], unlinked: [], skipped: [] };
  const started = Date.now();
  try {
    let snapshot: unknown;
    try {
      snapshot = await withDeadline((signal) => adapter.snapshot(signal), settings.timeoutMs);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { ...base, ms: Date.now() - started, error: message, problems: [], flags: [], preview: empty, warnings: [] };
    }
    const ms = Date.now() - started;
    const problems = snapshotProblems(snapshot, { provider: provider.name, environments: adapter.environments, strict: true });
    if (problems.length > 0 && !Array.isArray((snapshot as { flags?: unknown } | null)?.flags)) {
      return { ...base, ms, problems, flags: [], preview: empty, warnings: [] };
    }
    const flags = (snapshot as { flags: NormalizedFlag[] }).flags;
    // A field-level problem already counts; the preview maps only flags the codecs accept.
    const usable = problems.length === 0 ? flags : [];
    const preview = previewSnapshot(usable, { environmentTypes, linking: provider.linking });
    return {
      ...base,
      ms,
      problems: [...problems, ...preview.entities.flatMap((e) => e.problems.map((p) => `Jira flag ${e.id}: ${p}`))],
      flags,
      preview,
      warnings: [
        ...preview.entities.flatMap((e) => e.warnings.map((w) => `flag ${e.id}: ${w}`)),
        ...preview.skipped.map((s) => `flag ${s.id}: skipped: ${s.reason}`),
      ],
    };
  } finally {
    await adapter.close?.();
  }
}
