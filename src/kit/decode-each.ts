import type * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import { describeErrors } from './decode';

/**
 * Decode each or skip: an adapter decodes every flag of a source's list on its own, so one malformed flag is
 * skipped by its key (the core warns and keeps it in Jira as it was) instead of failing the whole read. A flag
 * whose key cannot be read fails the read instead: it could be neither reported nor kept.
 */
export type ItemDecoded<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly reason: string };

/** A reason names fields, never values; a handful of problems says enough. */
export const SKIP_REASON_PROBLEMS = 3;

export interface ItemDecodeOptions {
  /** Prepended to every path in the reason, e.g. "environments.production". */
  readonly prefix?: string;
  /** How many problems the reason lists before counting the rest (default SKIP_REASON_PROBLEMS). */
  readonly maxProblems?: number;
}

/** `p1; p2; p3 (and 2 more)`: the first problems, the rest counted. */
export function skipReason(problems: readonly string[], maxProblems: number = SKIP_REASON_PROBLEMS): string {
  const shown = problems.slice(0, maxProblems).join('; ');
  return problems.length > maxProblems ? `${shown} (and ${problems.length - maxProblems} more)` : shown;
}

/** Decodes one item; a failure is a skip reason (field paths only, never values), not a throw. */
export function decodeItem<A>(codec: t.Decoder<unknown, A>, raw: unknown, options: ItemDecodeOptions = {}): ItemDecoded<A> {
  const result = codec.decode(raw);
  if (!isLeft(result)) return { ok: true, value: result.right };
  const problems = describeErrors(result.left, options.prefix !== undefined ? { prefix: options.prefix } : {});
  return { ok: false, reason: skipReason(problems, options.maxProblems) };
}

/**
 * The key a skipped item is reported by: `raw[field]` when it is a non-empty string. Otherwise throws, naming
 * `where` (e.g. "feature search row 3"), with `noun` the source's word for the item ("a feature", "a flag").
 */
export function itemKeyOf(raw: unknown, field: string, noun: string, where: string): string {
  const key = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)[field] : undefined;
  if (typeof key === 'string' && key !== '') return key;
  throw new Error(`${where}: ${noun} without a readable ${field} (${field}: expected a non-empty string); it cannot be skipped safely`);
}
