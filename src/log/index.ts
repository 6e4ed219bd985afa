import pino from 'pino';
import type PinoPretty from 'pino-pretty';

export type Logger = pino.Logger;
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/**
 * Values that must never be written anywhere: resolved secrets (filled by the config loader) and access tokens
 * (filled by the token provider). Each is kept in the forms it can take in output: as is, escaped inside a JSON
 * string (a log line, `--json`), and percent-encoded (a URL).
 */
const secrets = new Set<string>();
let longestFirst: readonly string[] = [];

const formsOf = (value: string): string[] => [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)];

export function registerSecret(value: string): void {
  // Very short values would redact innocent text everywhere; they are also not meaningful secrets.
  if (value.length < 4 || secrets.has(value)) return;
  for (const form of formsOf(value)) secrets.add(form);
  longestFirst = [...secrets].sort((a, b) => b.length - a.length);
}

/** Short-lived secrets (access tokens), newest last; only the newest are kept, so a daemon's list stays bounded. */
const shortLived: string[] = [];
/** Far more than are ever in use at once: a token lives 15 minutes and each run (or refresh) fetches one. */
export const SHORT_LIVED_KEPT = 32;

/**
 * Registers a secret that expires (an access token). The oldest beyond SHORT_LIVED_KEPT is forgotten: it expired
 * long ago, and every secret kept is scanned for in every line written, for as long as the process runs.
 */
export function registerShortLivedSecret(value: string): void {
  if (value.length < 4 || secrets.has(value)) return;
  registerSecret(value);
  shortLived.push(value);
  while (shortLived.length > SHORT_LIVED_KEPT) {
    for (const form of formsOf(shortLived.shift()!)) secrets.delete(form);
    longestFirst = [...secrets].sort((a, b) => b.length - a.length);
  }
}

/** Replaces every registered secret in `text`; longer forms first, so a secret inside another leaves no tail. */
export function redact(text: string): string {
  let out = text;
  for (const s of longestFirst) if (out.includes(s)) out = out.split(s).join('[REDACTED]');
  return out;
}

export interface LogOutput {
  /** Pretty lines (a terminal) instead of JSON. Default: stderr is a terminal. */
  readonly pretty?: boolean;
  /** Colours in pretty mode. Default: on, unless NO_COLOR is set (https://no-color.org). */
  readonly color?: boolean;
  /** Where pretty lines go (default stderr); the progress display passes itself so lines print above its bars. */
  readonly sink?: NodeJS.WritableStream;
}

/** NO_COLOR set to anything but the empty string turns colours off. */
export function colorWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env['NO_COLOR'];
  return value === undefined || value === '';
}

/**
 * Marks a log entry whose content the printed summary repeats: on a terminal (pretty mode) it is not written, so a
 * failure is printed once; in JSON mode it stays (logs are for machines, the summary for people).
 */
export const IN_SUMMARY = { inSummary: true } as const;

const isPlainObject = (u: unknown): u is Record<string, unknown> =>
  typeof u === 'object' && u !== null && !Array.isArray(u) && !(u instanceof Error);

/** Structured JSON logs on stderr; pretty when stderr is a terminal. Secrets are scrubbed from every line. */
export function createLogger(
  level: LogLevel = 'info',
  pretty = process.stderr.isTTY === true,
  output: Omit<LogOutput, 'pretty'> = {},
): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: undefined,
    redact: { paths: ['*.clientSecret', '*.token', '*.access_token', '*.adminToken', '*.sdkKey', '*.apiToken'], censor: '[REDACTED]' },
    hooks: {
      streamWrite: (s: string) => (secrets.size === 0 ? s : redact(s)),
      logMethod(args, method) {
        const [first] = args;
        if (isPlainObject(first)) {
          if (pretty && first['inSummary'] === true) return;
          // A child's bindings (provider, component) given again in the entry would make the key appear twice.
          const bindings = this.bindings() as Record<string, unknown>;
          const repeated = Object.keys(first).filter((key) => Object.hasOwn(bindings, key) && bindings[key] === first[key]);
          if (repeated.length > 0) {
            const copy = { ...first };
            for (const key of repeated) delete copy[key];
            args[0] = copy;
          }
        }
        method.apply(this, args as Parameters<typeof method>);
      },
    },
  };
  if (pretty) {
    // Loaded only for a terminal: a scheduled run (JSON lines) should not pay for it at every start.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pinoPretty = require('pino-pretty') as typeof PinoPretty;
    const stream = pinoPretty({
      destination: output.sink ?? 2,
      sync: true,
      colorize: output.color ?? colorWanted(),
      translateTime: "UTC:yyyy-mm-dd'T'HH:MM:ss.l'Z'",
      ignore: 'pid,hostname',
    } as PinoPretty.PrettyOptions);
    return pino(options, stream);
  }
  return pino(options, pino.destination({ dest: 2, sync: true }));
}

/** A logger that drops everything; for tests and library use. */
export const silentLogger: Logger = pino({ level: 'silent' });
