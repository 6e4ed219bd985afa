import { Option, type Command } from 'commander';
import type { LogLevel } from '../log';

// The options the commands share, declared apart from what runs them (context.ts) so that declaring the commands at
// start-up loads no config loader or logger.

export const DEFAULT_CONFIG_PATH = './flagsync.yaml';
const CONFIG_HELP = `config file (default: $FLAGSYNC_CONFIG, else ${DEFAULT_CONFIG_PATH}); also accepted before the command`;

/** The config file as the user named it, for commands printed to run next; undefined for the default one. */
export const configArgOf = (options: { readonly config: string }): string | undefined =>
  options.config === DEFAULT_CONFIG_PATH ? undefined : options.config;

export interface GlobalOptions {
  readonly config: string;
  readonly logLevel?: LogLevel;
  readonly json?: boolean;
  /** false with --no-color. */
  readonly color?: boolean;
  /** --quiet: no progress, and only warnings and errors in the log. */
  readonly quiet?: boolean;
}

export const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/** The options the commands share (GlobalOptions, parsed), declared once; each command takes those it honours. */
const GLOBAL_OPTIONS: { readonly [K in keyof GlobalOptions]-?: () => Option } = {
  config: () => new Option('-c, --config <path>', CONFIG_HELP),
  logLevel: () =>
    new Option(
      '--log-level <level>',
      'log level (default: $FLAGSYNC_LOG_LEVEL, else log.level); logs go to stderr as JSON, pretty on a terminal',
    ).choices(LOG_LEVELS),
  json: () => new Option('--json', 'print the result as JSON on stdout (a JSON error object too when the command fails)'),
  color: () => new Option('--no-color', 'no colours in the log on a terminal (NO_COLOR=1 does the same)'),
  quiet: () => new Option('-q, --quiet', 'no progress display, and only warnings and errors in the log (for scripts)'),
};

export type GlobalOptionName = keyof GlobalOptions;
const EVERY_GLOBAL_OPTION: readonly GlobalOptionName[] = ['config', 'logLevel', 'json', 'color', 'quiet'];

/** Adds the shared options `names` (default: all of them) to `command`. */
export function withGlobalOptions(command: Command, names: readonly GlobalOptionName[] = EVERY_GLOBAL_OPTION): Command {
  for (const name of names) command.addOption(GLOBAL_OPTIONS[name]());
  return command;
}
