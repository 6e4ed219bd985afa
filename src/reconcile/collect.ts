import type { CollectedSource, ReconcileKind } from './kind';
import type { ProviderRuntime } from './provider';

class TimeoutError extends Error {}

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

/**
 * Why a provider failed, without its name (the summary shows that beside it). A SourceError, from this or another
 * copy of flagsync, names its provider in a field and keeps the message without the name in `detail`.
 */
function failureText(error: unknown, provider: string): string {
  if (error instanceof Error && 'provider' in error && 'detail' in error && error.provider === provider && typeof error.detail === 'string')
    return error.detail;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Reads every provider in parallel, each with its own timeout, through the kind's read step. Never throws.
 * `acceptedSource` gives the fingerprint a provider's unchanged source may be recognised by (source-skip.ts).
 */
export async function collectSources<S, P, M, E>(
  kind: ReconcileKind<S, P, M, E>,
  providers: readonly ProviderRuntime[],
  signal?: AbortSignal,
  acceptedSource: (provider: ProviderRuntime) => string | undefined = () => undefined,
): Promise<CollectedSource<S>[]> {
  return Promise.all(
    providers.map(async (provider): Promise<CollectedSource<S>> => {
      const started = Date.now();
      try {
        const data = await withTimeout((s) => kind.read(provider, s, acceptedSource(provider)), provider.timeoutMs, signal);
        return { provider, ok: true, data, ms: Date.now() - started };
      } catch (error) {
        return { provider, ok: false, error: failureText(error, provider.name), ms: Date.now() - started };
      }
    }),
  );
}
