import { collectSources } from '../../reconcile/collect';
import { devinfoReconcileKind } from '../../reconcile/devinfo-kind';
import { flagReconcileKind } from '../../reconcile/flag-kind';
import type { FlagsyncConfig } from '../../config';
import { redact, type Logger } from '../../log';
import { loadConfigOrExit, loggerFor } from '../context';
import type { GlobalOptions } from '../options';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from '../exit';
import { closeProviders, createClient, createProviders } from '../wiring';
import { printOut } from '../output';
import { devinfoKind, featureFlagsKind } from '../../jira';
import { JiraSettingsConflict } from '../../jira/types';

export interface ValidateOptions extends GlobalOptions {
  /** Also read every source and obtain a Jira token and the cloud id. */
  readonly connect?: boolean;
}

interface Check {
  readonly check: string;
  readonly ok: boolean;
  readonly detail: string;
  /** The config contradicts itself in a way only Jira could tell (site and cloudId of different sites): exit 2. */
  readonly configError?: true;
}

const message = (error: unknown): string => redact(error instanceof Error ? error.message : String(error));

async function providerChecks(config: FlagsyncConfig, logger: Logger): Promise<Check[]> {
  const providers = createProviders(config, logger);
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  try {
    const [flags, devinfo] = await Promise.all([
      collectSources(
        flagReconcileKind,
        providers.filter((p) => p.source.produces === 'flags'),
      ),
      collectSources(
        devinfoReconcileKind,
        providers.filter((p) => p.source.produces === 'devinfo'),
      ),
    ]);
    const checks = new Map<string, Check>();
    for (const s of flags) {
      const skipped = s.ok && s.data.skipped.length > 0 ? `, ${s.data.skipped.length} skipped` : '';
      const detail = s.ok ? `${s.data.flags.length} flags read${skipped} in ${seconds(s.ms)}` : s.error;
      checks.set(s.provider.name, { check: `provider ${s.provider.name}`, ok: s.ok, detail });
    }
    for (const s of devinfo) {
      const detail = s.ok ? `${s.data.repositories.length} repositories read in ${seconds(s.ms)}` : s.error;
      checks.set(s.provider.name, { check: `provider ${s.provider.name}`, ok: s.ok, detail });
    }
    // In config order.
    return providers.map((p) => checks.get(p.name)!);
  } finally {
    await closeProviders(providers, logger);
  }
}

/** What a provider sends: devinfo for an adapter that says so (contract v2), else feature flags. */
const producesOf = (provider: FlagsyncConfig['providers'][number]): 'flags' | 'devinfo' =>
  'produces' in provider.factory && provider.factory.produces === 'devinfo' ? 'devinfo' : 'flags';

/** Id of no entity, read to learn whether the credential may use a kind's API (403 if not). */
const PROBE_ID = 'flagsync-validate-probe';

async function jiraCheck(config: FlagsyncConfig, logger: Logger): Promise<Check> {
  try {
    const client = createClient(config, logger);
    const { cloudId } = await client.connect();
    // The APIs this config's providers send to: a credential without a data type's permission is refused there (403),
    // which a run would otherwise meet only at its first batch.
    const sends = (what: 'flags' | 'devinfo') => config.providers.some((p) => producesOf(p) === what);
    const kinds: string[] = [];
    if (sends('flags')) kinds.push((await client.get(featureFlagsKind, PROBE_ID), featureFlagsKind.kind));
    if (sends('devinfo')) kinds.push((await client.get(devinfoKind, PROBE_ID), devinfoKind.kind));
    // A cloud id set alone is taken as written: nothing short of sending data tells whether it is the site's.
    const from = config.jira.site !== undefined ? ` (site ${config.jira.site})` : ' (as configured: set jira.site too to have it checked)';
    const permitted = kinds.length === 0 ? '' : `; may read ${kinds.join(' and ')}`;
    return { check: 'jira', ok: true, detail: `token obtained from ${config.jira.tokenUrl}; cloud id ${cloudId}${from}${permitted}` };
  } catch (error) {
    return {
      check: 'jira',
      ok: false,
      detail: message(error),
      ...(error instanceof JiraSettingsConflict && { configError: true as const }),
    };
  }
}

/**
 * `flagsync validate`: the config only (offline), exit 2 with one line per problem, else a confirmation.
 * `--connect` also reads every source and obtains a Jira token and the cloud id, one line per check; exit 1 if one fails.
 */
export async function validateCommand(options: ValidateOptions): Promise<number> {
  const config = await loadConfigOrExit(options.config);
  const names = config.providers.map((p) => `${p.name} (${p.adapter})`).join(', ');
  const warnings = config.warnings ?? [];
  const checks: Check[] = [];
  if (options.connect === true) {
    const logger = loggerFor({ ...options, logLevel: options.logLevel ?? 'warn' }, { ...config, warnings: [] });
    checks.push(...(await providerChecks(config, logger)), await jiraCheck(config, logger));
  }
  const ok = checks.every((c) => c.ok);
  const code = ok ? EXIT_OK : checks.some((c) => c.configError === true) ? EXIT_USAGE : EXIT_FAILED;
  if (options.json === true) {
    printOut(JSON.stringify({ ok, providers: config.providers.map((p) => p.name), warnings, checks }));
    return code;
  }
  const line =
    config.providers.length === 0
      ? `config OK: ${config.path}: no providers (enough for \`flagsync send\`; run and plan need at least one)`
      : `config OK: ${config.path}: ${config.providers.length} provider(s): ${names}; schedule "${config.schedule}"`;
  const lines = [
    line,
    ...warnings.map((w) => `warning: ${w}`),
    ...checks.map((c) => `${c.ok ? 'ok' : c.configError === true ? 'config error' : 'FAILED'}: ${c.check}: ${c.detail}`),
  ];
  printOut(lines.join('\n'));
  return code;
}
