import * as t from 'io-ts';

/**
 * io-ts codecs for flagd flag definition files (https://flagd.dev/reference/flag-definitions/): the types the mapping
 * reads. At run time the published flagd schema (schema.ts) is the check: it accepts only what these codecs accept
 * (test/schema-codec.test.ts), so no io-ts check repeats it; it is also what reports problems to users.
 */

/** Variant values: flagd allows booleans, numbers, strings and JSON objects (one type per flag). */
export const FlagdVariantValueCodec = t.union([t.boolean, t.number, t.string, t.UnknownRecord], 'a boolean, number, string or object');
export type FlagdVariantValue = t.TypeOf<typeof FlagdVariantValueCodec>;

/** Flag and flag-set metadata: flat key → scalar. */
export const FlagdMetadataCodec = t.record(
  t.string,
  t.union([t.string, t.number, t.boolean]),
  'metadata (string, number or boolean values)',
);
export type FlagdMetadata = t.TypeOf<typeof FlagdMetadataCodec>;

export const FlagdStateCodec = t.keyof({ ENABLED: null, DISABLED: null }, '"ENABLED" or "DISABLED"');

export const FlagdFlagCodec = t.intersection([
  t.type({
    state: FlagdStateCodec,
    variants: t.record(t.string, FlagdVariantValueCodec),
  }),
  t.partial({
    // null (or absent) since flagd 0.11: the application's code default is served.
    defaultVariant: t.union([t.string, t.null]),
    // JSONLogic; its shape was checked by the flagd schema, the rollout description walks it defensively.
    targeting: t.unknown,
    metadata: FlagdMetadataCodec,
  }),
]);
export type FlagdFlag = t.TypeOf<typeof FlagdFlagCodec>;

export const FlagdFileCodec = t.intersection([
  t.type({ flags: t.record(t.string, FlagdFlagCodec) }),
  t.partial({
    $evaluators: t.UnknownRecord,
    metadata: FlagdMetadataCodec,
  }),
]);
export type FlagdFile = t.TypeOf<typeof FlagdFileCodec>;
