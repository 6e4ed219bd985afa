import type * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import { describeErrors, type SkippedFlag } from '../../src/kit';

/**
 * Per-feature decoding: one malformed feature is skipped (and reported by name), not the whole provider. A feature
 * whose name cannot be read rejects the read instead: the core could neither report it nor keep it in Jira.
 */
export type EntityResult<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly reason: string };

/** A reason names fields, never values; a handful of problems says enough. */
const MAX_PROBLEMS = 3;

export function shortReason(problems: readonly string[]): string {
  const shown = problems.slice(0, MAX_PROBLEMS).join('; ');
  return problems.length > MAX_PROBLEMS ? `${shown} (and ${problems.length - MAX_PROBLEMS} more)` : shown;
}

export function decodeEntity<A>(codec: t.Decoder<unknown, A>, raw: unknown, prefix?: string): EntityResult<A> {
  const result = codec.decode(raw);
  if (!isLeft(result)) return { ok: true, value: result.right };
  return { ok: false, reason: shortReason(describeErrors(result.left, prefix !== undefined ? { prefix } : {})) };
}

/** The feature's name, or an error naming where a nameless feature was found. */
export function featureNameOf(raw: unknown, where: string): string {
  const name = typeof raw === 'object' && raw !== null ? (raw as { name?: unknown }).name : undefined;
  if (typeof name === 'string' && name !== '') return name;
  throw new Error(`${where}: a feature without a readable name (name: expected a non-empty string); it cannot be skipped safely`);
}

/** Runs `fn`, turning a throw into a skip reason (a mapping bug or odd data must not sink the other flags). */
export function attempt<A>(fn: () => A): EntityResult<A> {
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
