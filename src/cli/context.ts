import * as path from 'node:path';
import { loadConfig, ConfigError, type FlagsyncConfig } from '../config';
import { AdapterLoadError } from '../adapter-host/factory-shape';
import { createAdapterRegistry } from '../adapter-host/registry';
import { colorWanted, createLogger, type Logger } from '../log';
import { MAX_TIMER_MS } from '../kit/deadline';
import { TerminalProgress } from './progress';
import { EXIT_USAGE, ExitError } from './exit';
import type { GlobalOptions } from './options';

/**
 * Loads the config or ends with exit code 2 and one line per problem. External adapters resolve from the config
 * file's folder (local paths are relative to it), then from the current directory (npm packages).
 */
export async function loadConfigOrExit(
  file: string,
  options: { readonly jiraUnused?: boolean; readonly sourcesUnused?: boolean } = {},
): Promise<FlagsyncConfig> {
  const registry = createAdapterRegistry({ baseDirs: [path.dirname(path.resolve(file)), process.cwd()] });
  try {
    return await loadConfig(file, registry, undefined, options);
  } catch (error) {
    if (error instanceof ConfigError) {
      const header = error.problems.length > 1 ? [`flagsync: ${error.problems.length} problems in ${error.file}; nothing was sent`] : [];
      throw new ExitError(EXIT_USAGE, [...header, ...error.lines.map((p) => `config error: ${p}`)]);
    }
    if (error instanceof AdapterLoadError) throw new ExitError(EXIT_USAGE, [`config error: ${error.message}`]);
    throw error;
  }
}

/** `run` and `plan` read providers; a config without any (fine for `send`) is a config error for them. */
export function requireProviders(config: FlagsyncConfig, command: string): FlagsyncConfig {
  if (config.providers.length > 0) return config;
  throw new ExitError(EXIT_USAGE, [
    `config error: providers: expected at least one provider (${command} reads flags and devinfo from them)`,
  ]);
}

/** `--provider NAME` of run and plan must name a configured provider. */
export function requireProvider(config: FlagsyncConfig, name: string | undefined): string | undefined {
  if (name === undefined || config.providers.some((p) => p.name === name)) return name;
  throw new ExitError(EXIT_USAGE, [
    `flagsync: --provider: no provider named "${name}" in ${config.path} (providers: ${config.providers.map((p) => p.name).join(', ')})`,
  ]);
}

/** The log: pretty on a terminal (colours unless --no-color or NO_COLOR), JSON otherwise; `sink` is the progress display's. */
export function loggerFor(options: GlobalOptions, config?: FlagsyncConfig, sink?: NodeJS.WritableStream): Logger {
  const level = options.logLevel ?? (options.quiet === true ? 'warn' : (config?.log.level ?? 'info'));
  const logger = createLogger(level, process.stderr.isTTY === true, {
    color: options.color !== false && colorWanted(),
    ...(sink ? { sink } : {}),
  });
  for (const warning of config?.warnings ?? []) logger.warn({ config: config?.path }, `config: ${warning}`);
  return logger;
}

/** Progress only on a terminal, and not with --quiet: elsewhere the logs stay structured and nothing is added. */
export function progressFor(options: GlobalOptions): TerminalProgress | undefined {
  return process.stderr.isTTY === true && options.quiet !== true ? new TerminalProgress(process.stderr) : undefined;
}

const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

/**
 * Aborts `controller` on SIGTERM, SIGINT or SIGHUP so the run finishes the batch in flight and saves state; a second
 * signal, or the grace period running out, ends the process at once.
 */
export function abortOnSignals(controller: AbortController, logger: Logger, graceMs = 30_000): () => void {
  let signalled = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (signalled) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    signalled = true;
    logger.info({ signal }, 'stopping: finishing the batch in flight and saving state');
    controller.abort(new Error(`received ${signal}`));
    setTimeout(
      () => {
        logger.error({ graceMs }, 'shutdown took too long: exiting');
        process.exit(1);
      },
      Math.min(graceMs, MAX_TIMER_MS),
    ).unref();
  };
  // SIGHUP too: a terminal that hangs up (an SSH session ending) would otherwise end a run mid-batch, leaving its lock.
  for (const signal of STOP_SIGNALS) process.on(signal, handler);
  return () => {
    for (const signal of STOP_SIGNALS) process.off(signal, handler);
  };
}
