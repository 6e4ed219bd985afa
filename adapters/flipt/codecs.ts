import * as t from 'io-ts';

/**
 * Flipt v1 REST API payloads (GET /api/v1/namespaces/{namespaceKey}/flags, Flipt's OpenAPI `FlagList`), only the
 * fields flagsync reads. Codecs are not exact: Flipt adds fields between releases.
 */
const optional = <C extends t.Mixed>(c: C) => t.union([c, t.undefined, t.null]);

export const FliptVariantCodec = t.intersection([t.type({ key: t.string }), t.partial({ name: optional(t.string) })], 'a Flipt variant');

export const FliptFlagCodec = t.intersection(
  [
    t.type({
      key: t.string,
      enabled: t.boolean,
    }),
    t.partial({
      name: optional(t.string),
      description: optional(t.string),
      namespaceKey: optional(t.string),
      /** VARIANT_FLAG_TYPE or BOOLEAN_FLAG_TYPE. */
      type: optional(t.string),
      createdAt: optional(t.string),
      updatedAt: optional(t.string),
      defaultVariant: optional(FliptVariantCodec),
      /** Free-form (google.protobuf.Struct); string values become "key:value" tags. */
      metadata: optional(t.UnknownRecord),
    }),
  ],
  'a Flipt flag',
);

/** The page itself; each flag is decoded on its own with FliptFlagCodec, so one bad flag skips one flag. */
export const FliptFlagListCodec = t.intersection([
  t.type({ flags: t.array(t.unknown) }),
  t.partial({
    /** Empty or absent on the last page. */
    nextPageToken: optional(t.string),
    totalCount: optional(t.number),
  }),
]);

/** `GET /meta/info`: build information; only `version` is read (productName checks it reads as a version). */
export const FliptInfoCodec = t.partial({ version: t.unknown }, 'Flipt build information');

export type FliptFlag = t.TypeOf<typeof FliptFlagCodec>;
export type FliptFlagList = t.TypeOf<typeof FliptFlagListCodec>;
