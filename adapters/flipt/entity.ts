import { isLeft } from 'fp-ts/Either';
import { describeErrors } from '../../src/kit';
import { FliptFlagCodec, type FliptFlag } from './codecs';

/**
 * Per-flag decoding: a malformed flag is skipped by key (the core warns and keeps it in Jira) instead of failing
 * the namespace. A flag whose key cannot be read fails the read: it could neither be reported nor kept.
 */
export type FlagDecode =
  { readonly ok: true; readonly flag: FliptFlag } | { readonly ok: false; readonly key: string; readonly reason: string };

/** A reason names fields, never values; a handful of problems says enough. */
const MAX_PROBLEMS = 3;

export function decodeFliptFlag(raw: unknown, where: string): FlagDecode {
  const key = typeof raw === 'object' && raw !== null ? (raw as { key?: unknown }).key : undefined;
  if (typeof key !== 'string' || key === '')
    throw new Error(`${where}: a flag without a readable key (key: expected a non-empty string); it cannot be skipped safely`);
  const result = FliptFlagCodec.decode(raw);
  if (!isLeft(result)) return { ok: true, flag: result.right };
  const problems = describeErrors(result.left);
  const more = problems.length > MAX_PROBLEMS ? ` (and ${problems.length - MAX_PROBLEMS} more)` : '';
  return { ok: false, key, reason: `${problems.slice(0, MAX_PROBLEMS).join('; ')}${more}` };
}
