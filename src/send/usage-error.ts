/** Bad command-line values: the CLI prints one line per problem (each naming its option) and exits 2. */
export class UsageError extends Error {
  readonly problems: readonly string[];

  constructor(problems: string | readonly string[]) {
    const list = typeof problems === 'string' ? [problems] : problems;
    super(list.join('; '));
    this.name = 'UsageError';
    this.problems = list;
  }
}

/**
 * Runs each option's check and keeps going past a bad one, so a pipeline author sees every bad option in one try
 * instead of one per run of the pipeline. `done` throws them all together.
 */
export class UsageProblems {
  private readonly problems: string[] = [];

  take<T>(check: () => T): T | undefined {
    try {
      return check();
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      this.problems.push(...error.problems);
      return undefined;
    }
  }

  async takeAsync<T>(check: () => Promise<T>): Promise<T | undefined> {
    try {
      return await check();
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      this.problems.push(...error.problems);
      return undefined;
    }
  }

  /** Throws every problem taken so far, if any. */
  done(): void {
    if (this.problems.length > 0) throw new UsageError(this.problems);
  }
}
