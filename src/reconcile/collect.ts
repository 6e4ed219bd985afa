import * as t from 'io-ts';
import type { SourceAdapter } from '../adapters/contract';
import { NormalizedFlagCodec } from '../model/codecs';
import type { NormalizedFlag } from '../model/flag';
import { describeErrors } from '../codec/decode';
import { isLeft } from 'fp-ts/Either';

export interface ProviderSource {
  readonly name: string;
  readonly adapter: SourceAdapter;
  readonly timeoutMs: number;
}

export type CollectedSnapshot =
  | { readonly provider: string; readonly ok: true; readonly flags: readonly NormalizedFlag[]; readonly ms: number }
  | { readonly provider: string; readonly ok: false; readonly error: string; readonly ms: number };

const SnapshotCodec = t.type({ flags: t.readonlyArray(NormalizedFlagCodec) });

class TimeoutError extends Error {}

export function withTimeout<T>(work: (signal: AbortSignal) => Promise<T>, ms: number, outer?: AbortSignal): Promise<T> {
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

/** Validates what an adapter returned; a bad adapter is reported naming the field, never trusted. */
export function checkSnapshot(provider: string, value: unknown): NormalizedFlag[] {
  const result = SnapshotCodec.decode(value);
  if (isLeft(result)) {
    const problems = describeErrors(result.left).slice(0, 5);
    throw new Error(`adapter returned an invalid snapshot: ${problems.join('; ')}`);
  }
  const flags = result.right.flags as NormalizedFlag[];
  const foreign = flags.find((f) => f.provider !== provider);
  if (foreign !== undefined) throw new Error(`adapter returned flag "${foreign.key}" with provider "${foreign.provider}", expected "${provider}"`);
  return flags;
}

/** Asks every provider for a complete snapshot in parallel, each with its own timeout. Never throws. */
export async function collectSnapshots(sources: readonly ProviderSource[], signal?: AbortSignal): Promise<CollectedSnapshot[]> {
  return Promise.all(
    sources.map(async (source): Promise<CollectedSnapshot> => {
      const started = Date.now();
      try {
        const snapshot = await withTimeout((s) => source.adapter.snapshot(s), source.timeoutMs, signal);
        return { provider: source.name, ok: true, flags: checkSnapshot(source.name, snapshot), ms: Date.now() - started };
      } catch (error) {
        const text = errorText(error);
        // SourceError messages already start with the provider name.
        const message = text.startsWith(`${source.name}: `) ? text.slice(source.name.length + 2) : text;
        return { provider: source.name, ok: false, error: message, ms: Date.now() - started };
      }
    }),
  );
}
