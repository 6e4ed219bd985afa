import { decodeItem, itemKeyOf } from '../../src/kit';
import { FliptFlagCodec, type FliptFlag } from './codecs';

/**
 * Per-flag decoding (the kit's decodeItem): a malformed flag is skipped by key (the core warns and keeps it in Jira)
 * instead of failing the namespace. A flag whose key cannot be read fails the read: it could neither be reported nor
 * kept.
 */
export type FlagDecode =
  { readonly ok: true; readonly flag: FliptFlag } | { readonly ok: false; readonly key: string; readonly reason: string };

export function decodeFliptFlag(raw: unknown, where: string): FlagDecode {
  const key = itemKeyOf(raw, 'key', 'a flag', where);
  const decoded = decodeItem(FliptFlagCodec, raw);
  return decoded.ok ? { ok: true, flag: decoded.value } : { ok: false, key, reason: decoded.reason };
}
