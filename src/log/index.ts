import pino from 'pino';

export type Logger = pino.Logger;
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/** Values that must never be written anywhere (resolved secrets); filled by the config loader. */
const secrets = new Set<string>();

export function registerSecret(value: string): void {
  // Very short values would redact innocent text everywhere; they are also not meaningful secrets.
  if (value.length >= 4) secrets.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('[REDACTED]');
  return out;
}

/** Structured JSON logs on stderr; pretty when stderr is a terminal. Secrets are scrubbed from every line. */
export function createLogger(level: LogLevel = 'info', pretty = process.stderr.isTTY === true): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: undefined,
    redact: { paths: ['*.clientSecret', '*.token', '*.access_token', '*.adminToken', '*.sdkKey', '*.apiToken'], censor: '[REDACTED]' },
    hooks: {
      streamWrite: (s: string) => (secrets.size === 0 ? s : redact(s)),
    },
  };
  if (pretty) {
    return pino(options, pino.transport({ target: 'pino-pretty', options: { destination: 2, colorize: true } }));
  }
  return pino(options, pino.destination({ dest: 2, sync: true }));
}

/** A logger that drops everything; for tests and library use. */
export const silentLogger: Logger = pino({ level: 'silent' });
