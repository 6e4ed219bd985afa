/** A bad command-line value: the CLI prints the one line (naming the option) and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
