/**
 * Stops a run that can only fail: after `threshold` requests in a row ended without a usable answer (retries
 * exhausted, 404 on the API, 401 with a fresh token, 413 for a single entity), or at once when the token endpoint
 * cannot issue a token, `signal` aborts with one reason. The run then stops the way SIGTERM stops it (no new batch,
 * no deletes, state saved) instead of retrying every remaining batch against a dead endpoint.
 */
export class CircuitBreaker {
  private readonly controller = new AbortController();
  private consecutive = 0;

  constructor(readonly threshold: number) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Why the breaker opened; undefined while it is closed. */
  get reason(): string | undefined {
    return this.controller.signal.aborted ? (this.controller.signal.reason as Error).message : undefined;
  }

  /** A request got a usable answer: the endpoint works. */
  success(): void {
    this.consecutive = 0;
  }

  /** A request ended without a usable answer. */
  failure(reason: string): void {
    this.consecutive++;
    if (this.consecutive >= this.threshold) {
      this.trip(`Jira failed ${this.consecutive} requests in a row (the last: ${reason}); the run stops, what was not sent goes next run`);
    }
  }

  /** Opens at once (a failure that every further request would repeat). */
  trip(reason: string): void {
    if (!this.controller.signal.aborted) this.controller.abort(new Error(reason));
  }
}
