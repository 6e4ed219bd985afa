import pino from 'pino';
import type PinoPretty from 'pino-pretty';
import { redact } from './redact';

export type Logger = pino.Logger;
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

export { redact, registerSecret, registerShortLivedSecret, SHORT_LIVED_KEPT } from './redact';

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
      // With no secret registered, redact returns the line as it is.
      streamWrite: redact,
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
