/**
 * The logging an adapter may do: leveled, structured (an object of fields, then a message), and `child` for fields
 * that hold for every later line. flagsync hands in its own logger (pino, secrets scrubbed); an adapter never
 * depends on which library that is.
 */
export interface LogMethod {
  (fields: Readonly<Record<string, unknown>>, message?: string): void;
  (message: string): void;
}

export interface Logger {
  readonly debug: LogMethod;
  readonly info: LogMethod;
  readonly warn: LogMethod;
  readonly error: LogMethod;
  child(fields: Readonly<Record<string, unknown>>): Logger;
}

const drop: LogMethod = () => {};

/** A logger that drops everything; for tests and library use. */
export const silentLogger: Logger = { debug: drop, info: drop, warn: drop, error: drop, child: () => silentLogger };
