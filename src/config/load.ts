import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { isLeft } from 'fp-ts/Either';
import type { AdapterRegistry } from './types';
import { describeErrors } from '../kit/decode';
import { ConfigFileCodec, type ConfigFile } from './codecs';
import { checkProviders, type AdapterOptions } from './providers';
import { valuePolicy } from './reveal';
import { resolveReferences } from './secrets';
import { registerSecret } from '../log';
import { ConfigError, type FlagsyncConfig, type ProviderConfig, type StateConfig } from './types';
import { literalSecretValues, literalSecretWarnings } from './literal-secrets';
import { unknownKeys } from './unknown-keys';
import { parseYaml, type Locate } from './yaml';
import { postgresPassword } from './scalars';

export interface ParseContext {
  /** Where the text came from; relative paths in the file resolve against its folder. */
  readonly path: string;
  readonly registry: AdapterRegistry;
  /** Environment for `${env:NAME}` (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * The command never talks to Jira (`adapter check`, `status`, `send --dry-run`): a file without `jira` is accepted,
   * and the OAuth credentials are not resolved, so a platform team or an operator without them can still use it. The
   * rest of `jira` (site, properties) is read as always.
   */
  readonly jiraUnused?: boolean;
  /**
   * The command never reads a source (`status`): a provider's secret reference that cannot be resolved (an unset
   * environment variable, a missing file) is no problem, so an operator can read the state without every source's token.
   */
  readonly sourcesUnused?: boolean;
}

/** Stands in for a missing `jira`, or its credentials, when the command never talks to Jira. */
const UNUSED_JIRA = { cloudId: '00000000-0000-4000-8000-000000000000', clientId: 'unused', clientSecret: 'unused' };

/** The parsed file with its Jira credentials (or a whole missing `jira`) set aside, for a command that never uses them. */
function withoutJiraCredentials(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const root = value as Record<string, unknown>;
  const jira = root['jira'];
  if (jira === undefined) return { ...root, jira: UNUSED_JIRA };
  if (typeof jira !== 'object' || jira === null || Array.isArray(jira)) return value;
  return { ...root, jira: { ...jira, clientId: UNUSED_JIRA.clientId, clientSecret: UNUSED_JIRA.clientSecret } };
}

/**
 * For a command that never reads a source: each provider value whose reference could not be resolved (a token in an
 * unset environment variable) stands in as `unused`, so the provider still decodes. A value that must be more than a
 * word (a URL) still fails, as a config problem.
 */
function withUnresolvedSourcesStandingIn(value: unknown, failed: ReadonlySet<string>): unknown {
  const root = value as { providers?: unknown };
  if (typeof value !== 'object' || value === null || !Array.isArray(root.providers)) return value;
  const providers = structuredClone(root.providers) as unknown[];
  for (const at of failed) {
    const steps = [...at.matchAll(/\[(\d+)\]|\.?([^.[\]]+)/g)].map((m) => (m[1] !== undefined ? Number(m[1]) : m[2]!));
    if (steps[0] !== 'providers' || steps.length < 3) continue;
    let node: unknown = providers;
    for (const step of steps.slice(1, -1)) node = (node as Record<string | number, unknown> | undefined)?.[step];
    const last = steps[steps.length - 1]!;
    if (typeof node === 'object' && node !== null) (node as Record<string | number, unknown>)[last] = 'unused';
  }
  return { ...(value as Record<string, unknown>), providers };
}

/** A problem about a path whose secret reference failed only repeats that failure ("expected a URL" for ""). */
function about(line: string, paths: ReadonlySet<string>): boolean {
  for (const p of paths) if (line.startsWith(`${p}: `)) return true;
  return false;
}

/**
 * One line per path: the core and the adapter's codec may both reject a field (an environment type, say) in
 * different words; the first is enough.
 */
function firstPerPath(lines: readonly string[]): string[] {
  const seen = new Set<string>();
  return lines.filter((line) => {
    const at = line.slice(0, line.indexOf(': '));
    if (seen.has(at)) return false;
    seen.add(at);
    return true;
  });
}

/** The problems in the order the file has them (those it cannot place last, as found), each with its position. */
function inFileOrder(file: string, problems: readonly string[], locate: Locate): ConfigError {
  const placed = problems.map((problem, i) => ({ problem, i, at: locate(problem.slice(0, Math.max(0, problem.indexOf(': ')))) }));
  placed.sort((a, b) => (a.at?.offset ?? Infinity) - (b.at?.offset ?? Infinity) || a.i - b.i);
  return new ConfigError(
    file,
    placed.map((p) => p.problem),
    placed.map((p) => p.at),
  );
}

/** The file's state section, or the environment's defaults for what it leaves out (the image sets FLAGSYNC_STATE_PATH). */
function stateOf(dir: string, decoded: ConfigFile, raw: unknown, env: NodeJS.ProcessEnv): StateConfig {
  const written = typeof raw === 'object' && raw !== null ? (raw as { state?: { path?: unknown } }).state?.path : undefined;
  const fromEnv = env['FLAGSYNC_STATE_PATH'];
  const file = path.resolve(dir, written === undefined && fromEnv !== undefined && fromEnv !== '' ? fromEnv : decoded.state.path);
  if (decoded.state.store === 'postgres' && decoded.state.url !== undefined) {
    registerPasswordOf(decoded.state.url);
    return { store: 'postgres', path: file, url: decoded.state.url };
  }
  return { store: 'file', path: file };
}

/** A password written into the URL itself (not by reference) is still kept out of every log line. */
function registerPasswordOf(url: string): void {
  const password = postgresPassword(url);
  if (password !== undefined) registerSecret(password);
}

function build(
  file: string,
  decoded: ConfigFile,
  adapters: ReadonlyMap<number, AdapterOptions>,
  raw: unknown,
  env: NodeJS.ProcessEnv,
): FlagsyncConfig {
  const dir = path.dirname(file);
  const state = stateOf(dir, decoded, raw, env);
  const providers = decoded.providers.map((p, i): ProviderConfig => {
    const adapter = adapters.get(i);
    // checkProviders reported a problem for every provider without an adapter, so this cannot happen here.
    if (adapter === undefined) throw new Error(`providers[${i}]: adapter options were not decoded`);
    return { ...p, factory: adapter.factory, options: adapter.options };
  });
  return {
    path: file,
    dir,
    jira: decoded.jira,
    schedule: decoded.schedule,
    watch: decoded.watch,
    state,
    spool: { path: path.resolve(dir, decoded.spool.path ?? path.join(path.dirname(state.path), 'spool')) },
    sync: decoded.sync,
    log: decoded.log,
    metrics: decoded.metrics,
    providers,
  };
}

/** Parses config text. Throws ConfigError listing every problem at once (syntax, secrets, shape, adapters). */
export async function parseConfig(text: string, ctx: ParseContext): Promise<FlagsyncConfig> {
  const file = path.resolve(ctx.path);
  const parsed = parseYaml(text, file);
  if (!parsed.ok) throw new ConfigError(file, parsed.problems);
  if (parsed.value === null || parsed.value === undefined) {
    throw new ConfigError(file, ['(root): the file is empty; expected a mapping with jira and providers']);
  }
  const unused = ctx.jiraUnused === true;
  const resolved = await resolveReferences(unused ? withoutJiraCredentials(parsed.value) : parsed.value, {
    dir: path.dirname(file),
    env: ctx.env ?? process.env,
  });
  const policy = valuePolicy(resolved.secretPaths, resolved.secretValues);
  const value = ctx.sourcesUnused === true ? withUnresolvedSourcesStandingIn(resolved.value, resolved.failedPaths) : resolved.value;
  const decoded = ConfigFileCodec.decode(value);
  const root = value as { providers?: unknown } | null;
  const providers = checkProviders(typeof root === 'object' && root !== null ? root.providers : undefined, ctx.registry, policy);
  const found = [
    ...unknownKeys([ConfigFileCodec], value),
    ...(isLeft(decoded) ? describeErrors(decoded.left, { showValue: policy }) : []),
    ...providers.problems,
  ].filter((line) => !about(line, resolved.failedPaths));
  const unresolvedSource = (line: string): boolean =>
    ctx.sourcesUnused === true && /^providers\[\d+\]/.test(line) && about(line, resolved.failedPaths);
  const problems = [...resolved.problems.filter((line) => !unresolvedSource(line)), ...firstPerPath(found)];
  if (problems.length > 0 || isLeft(decoded)) throw inFileOrder(file, problems, parsed.locate);
  for (const secret of literalSecretValues(resolved.value, resolved.secretPaths)) registerSecret(secret);
  return {
    ...build(file, decoded.right, providers.adapters, value, ctx.env ?? process.env),
    // The stand-in credentials are no literal secrets of the file's.
    warnings: literalSecretWarnings(resolved.value, resolved.secretPaths).filter((w) => !unused || !w.startsWith('jira.')),
  };
}

/** Reads and parses the config file at `file` (the CLI's `--config`, default ./flagsync.yaml). */
export async function loadConfig(
  file: string,
  registry: AdapterRegistry,
  env?: NodeJS.ProcessEnv,
  options: { readonly jiraUnused?: boolean; readonly sourcesUnused?: boolean } = {},
): Promise<FlagsyncConfig> {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    const hint = code === 'ENOENT' ? ': start from config/example.yaml, or try `flagsync demo`' : '';
    throw new ConfigError(absolute, [`cannot read the config file ${absolute} (${code})${hint}`]);
  }
  return parseConfig(text, { path: absolute, registry, ...(env !== undefined && { env }), ...options });
}
