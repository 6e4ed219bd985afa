import type { SkippedFlag, SourceAdapter } from '../adapters/contract';
import { skippedFlagsOf, validateSnapshot } from '../adapters/snapshot-check';
import type { NormalizedFlag } from '../model/flag';

export interface ProviderSource {
  readonly name: string;
  readonly adapter: SourceAdapter;
  readonly timeoutMs: number;
  /** The adapter as written in config (`flipt`, `./adapters/foo`), named when its output is invalid. */
  readonly adapterName?: string;
}

export type CollectedSnapshot =
  | {
      readonly provider: string;
      readonly ok: true;
      readonly flags: readonly NormalizedFlag[];
      /** Present in the source but unreadable: warned about, never deleted for that. */
      readonly skipped: readonly SkippedFlag[];
      readonly ms: number;
    }
  | { readonly provider: string; readonly ok: false; readonly error: string; readonly ms: number };

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
 * Validates what an adapter returned; a bad adapter is reported naming the provider, the adapter and the field
 * (`provider "x" (adapter flipt): invalid snapshot: flags[3].environments[0].enabled: expected boolean`).
 */
export function checkSnapshot(provider: string, value: unknown, adapterName?: string): NormalizedFlag[] {
  return validateSnapshot(value, { provider, ...(adapterName !== undefined ? { adapter: adapterName } : {}) });
}

/** Asks every provider for a complete snapshot in parallel, each with its own timeout. Never throws. */
export async function collectSnapshots(sources: readonly ProviderSource[], signal?: AbortSignal): Promise<CollectedSnapshot[]> {
  return Promise.all(
    sources.map(async (source): Promise<CollectedSnapshot> => {
      const started = Date.now();
      try {
        const snapshot = await withTimeout((s) => source.adapter.snapshot(s), source.timeoutMs, signal);
        const flags = checkSnapshot(source.name, snapshot, source.adapterName);
        return { provider: source.name, ok: true, flags, skipped: skippedFlagsOf(snapshot), ms: Date.now() - started };
      } catch (error) {
        const text = errorText(error);
        // SourceError messages already start with the provider name.
        const message = text.startsWith(`${source.name}: `) ? text.slice(source.name.length + 2) : text;
        return { provider: source.name, ok: false, error: message, ms: Date.now() - started };
      }
    }),
  );
}
