/** Exit codes are part of the CLI's contract. */
export const EXIT_OK = 0;
/** Something failed or was rejected; the run finished. */
export const EXIT_FAILED = 1;
/** Usage or config error; nothing was sent. */
export const EXIT_USAGE = 2;

/** Thrown by commands to end with a given code after printing `lines` to stderr. */
export class ExitError extends Error {
  constructor(
    readonly code: number,
    readonly lines: readonly string[],
  ) {
    super(lines.join('\n'));
    this.name = 'ExitError';
  }
}
