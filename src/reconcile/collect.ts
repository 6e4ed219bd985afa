import type { CollectedSource, ReconcileKind } from './kind';
import { withTimeout } from '../kit/deadline';
import type { ProviderRuntime } from './provider';

export { withTimeout } from '../kit/deadline';

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
