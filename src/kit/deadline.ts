/**
 * Work with a time limit: `work` gets a signal that aborts when the limit passes or `outer` aborts, and the result
 * rejects at the limit even if the work ignores its signal. One helper for every reader with a deadline (a
 * provider's snapshot in a run, `flagsync adapter check`, an adapter's own sub-reads).
 */
/** The longest delay a Node.js timer holds (2^31-1 ms); a longer one fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/** How long a timed-out adapter gets to report what it was waiting for (its abort error names the URL). */
const ABORT_REPORT_MS = 250;

export function withTimeout<T>(work: (signal: AbortSignal) => Promise<T>, ms: number, outer?: AbortSignal): Promise<T> {
  // Stopped before this work began (a stop during an earlier phase of the run): do not start it.
  if (outer?.aborted === true) return Promise.reject(new Error('not read: flagsync is stopping'));
  const controller = new AbortController();
  const onOuter = (): void => controller.abort(outer?.reason);
  outer?.addEventListener('abort', onOuter, { once: true });
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  // An adapter that honours the signal rejects with what it was waiting for ("GET https://flags.example/prod.json
  // was aborted"), which the timeout error then names.
  const running = work(controller.signal).catch((cause: unknown) => {
    if (!timedOut) throw cause;
    throw new TimeoutError(`timed out after ${ms} ms: ${cause instanceof Error ? cause.message : String(cause)}`);
  });
  // The adapter may ignore the signal; the race makes the timeout hold regardless.
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      const error = new TimeoutError(`timed out after ${ms} ms`);
      controller.abort(error);
      timer = setTimeout(() => reject(error), ABORT_REPORT_MS);
    }, ms);
  });
  return Promise.race([running, timeout]).finally(() => {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onOuter);
  });
}
