import type { CollectedSource, ReconcileKind } from './kind';
import { withTimeout } from '../kit/deadline';
import type { ProviderRuntime } from './provider';
import type { SyncState } from './state';

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

/** A provider's `isUnchanged` answer earlier in the run, for the fingerprint it was asked about. */
export interface CheckedSource {
  readonly accepted: string;
  readonly unchanged: boolean;
}

/**
 * Reads every provider in parallel, each with its own timeout, through the kind's read step. Never throws.
 * `acceptedSource` gives the fingerprint a provider's unchanged source may be recognised by (source-skip.ts).
 * `checked`: providers whose `isUnchanged` answered for that fingerprint this run; one still unchanged is not read,
 * one that changed is read in full (not asked again whether it changed). `state`: as the run loaded it, if it did
 * before reading (the kind's read may consult it).
 */
export async function collectSources<S, P, M, E>(
  kind: ReconcileKind<S, P, M, E>,
  providers: readonly ProviderRuntime[],
  signal?: AbortSignal,
  acceptedSource: (provider: ProviderRuntime) => string | undefined = () => undefined,
  checked: ReadonlyMap<string, CheckedSource> = new Map(),
  state?: SyncState,
): Promise<CollectedSource<S>[]> {
  return Promise.all(
    providers.map(async (provider): Promise<CollectedSource<S>> => {
      const started = Date.now();
      try {
        const accepted = acceptedSource(provider);
        const check = checked.get(provider.name);
        // The source was asked moments ago whether it is still at `accepted`: it is not asked twice in one run.
        const answered = accepted !== undefined && check !== undefined && check.accepted === accepted;
        if (answered && check.unchanged && kind.sourceSkipping !== undefined)
          return { provider, ok: true, data: kind.sourceSkipping.unchangedData(accepted), ms: Date.now() - started };
        const askAbout = answered ? undefined : accepted;
        const data = await withTimeout((s) => kind.read(provider, s, askAbout, state), provider.timeoutMs, signal);
        return { provider, ok: true, data, ms: Date.now() - started };
      } catch (error) {
        return { provider, ok: false, error: failureText(error, provider.name), ms: Date.now() - started };
      }
    }),
  );
}
