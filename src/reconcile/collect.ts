import type { CollectedSource, ReconcileKind } from './kind';
import type { ProviderRuntime } from './provider';

class TimeoutError extends Error {}

export function withTimeout<T>(work: (signal: AbortSignal) => Promise<T>, ms: number, outer?: AbortSignal): Promise<T> {
  // Stopped before this work began (a stop during an earlier phase of the run): do not start it.
  if (outer?.aborted === true) return Promise.reject(new Error('not read: flagsync is stopping'));
  const controller = new AbortController();
  const onOuter = (): void => controller.abort(outer?.reason);
  outer?.addEventListener('abort', onOuter, { once: true });
  let timer: NodeJS.Timeout | undefined;
  // The adapter may ignore the signal; the race makes the timeout hold regardless.
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort(new TimeoutError(`timed out after ${ms} ms`));
      reject(new TimeoutError(`timed out after ${ms} ms`));
    }, ms);
  });
  return Promise.race([work(controller.signal), timeout]).finally(() => {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onOuter);
  });
}

function errorText(error: unknown): string {
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
        const text = errorText(error);
        // SourceError messages already start with the provider name.
        const message = text.startsWith(`${provider.name}: `) ? text.slice(provider.name.length + 2) : text;
        return { provider, ok: false, error: message, ms: Date.now() - started };
      }
    }),
  );
}
