import { itemKeyOf, type ItemDecoded, type SkippedFlag } from '../../src/kit';

/**
 * Per-feature decoding (the kit's decodeItem): one malformed feature is skipped (and reported by name), not the whole
 * provider. A feature whose name cannot be read rejects the read instead: the core could neither report it nor keep
 * it in Jira.
 */
export function featureNameOf(raw: unknown, where: string): string {
  return itemKeyOf(raw, 'name', 'a feature', where);
}

/** Runs `fn`, turning a throw into a skip reason (a mapping bug or odd data must not sink the other flags). */
export function attempt<A>(fn: () => A): ItemDecoded<A> {
  try {
    return { ok: true, value: fn() };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

/** Adds a skip, merging reasons when the same flag is skipped twice (e.g. in two environments). */
export function addSkip(skips: Map<string, string[]>, key: string, reason: string): void {
  const reasons = skips.get(key) ?? [];
  if (!reasons.includes(reason)) reasons.push(reason);
  skips.set(key, reasons);
}

export function skippedList(skips: ReadonlyMap<string, readonly string[]>): SkippedFlag[] {
  return [...skips].map(([key, reasons]) => ({ key, reason: reasons.join('; ') }));
}
