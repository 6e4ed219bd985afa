import { decodeItem, type ItemDecoded, type SkippedFlag } from '../../src/kit';
import { LdFlagCodec, type LdFlag } from './codecs';
import { variationProblems } from './variation-indices';

/** One environment's usable flags and the ones whose configuration could not be read. */
export interface DecodedFlags {
  readonly flags: readonly LdFlag[];
  readonly skipped: readonly SkippedFlag[];
}

/** LaunchDarkly's skip reasons list every problem (the other adapters' stop at the kit's handful). */
export const ALL_PROBLEMS = Number.POSITIVE_INFINITY;

function isTombstone(item: unknown): boolean {
  return typeof item === 'object' && item !== null && (item as { deleted?: unknown }).deleted === true;
}

/**
 * The flag configurations of one SDK data set, each decoded on its own. The key a flag is listed under is the one
 * the SDK evaluates by, so it names a skipped flag even when the configuration inside is unreadable. Deleted flags
 * (tombstones) are left out; values are never quoted in a reason. A flag in `kept` (key → reason: the SDK was not
 * handed it, e.g. keyed `constructor`) is skipped with that reason even when it decodes: never mapped from data the
 * SDK did not hold, and never left out as if deleted.
 */
export function decodeFlagEntries(entries: Readonly<Record<string, unknown>>, kept: ReadonlyMap<string, string> = new Map()): DecodedFlags {
  const flags: LdFlag[] = [];
  const skipped: SkippedFlag[] = [];
  for (const [key, item] of Object.entries(entries)) {
    if (isTombstone(item)) continue;
    // The codec only checks (no field is transformed), so a flag that passes `is` decodes to itself; decoding, which
    // allocates a context per field, is left to the flags that fail, to name their problems.
    const decoded: ItemDecoded<LdFlag> = LdFlagCodec.is(item)
      ? { ok: true, value: item }
      : decodeItem(LdFlagCodec, item, { maxProblems: ALL_PROBLEMS });
    const keptReason = kept.get(key);
    if (!decoded.ok) {
      skipped.push({ key, reason: decoded.reason });
    } else if (keptReason !== undefined) {
      skipped.push({ key, reason: keptReason });
    } else if (decoded.value.key !== key) {
      skipped.push({ key, reason: 'key: differs from the key the flag is listed under' });
    } else if (decoded.value.deleted !== true) {
      const problems = variationProblems(decoded.value);
      if (problems.length > 0) skipped.push({ key, reason: problems.join('; ') });
      else flags.push(decoded.value);
    }
  }
  return { flags, skipped };
}
