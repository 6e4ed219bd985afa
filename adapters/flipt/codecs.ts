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

/**
 * `GET /api/v1/namespaces/{key}` (Flipt's `Namespace`): only its `key` is read, as proof that Flipt holds the
 * namespace (a missing one is a 404).
 */
export const FliptNamespaceCodec = t.type({ key: t.string }, 'a Flipt namespace');

/** `GET /meta/info`: build information; only `version` is read (productName checks it reads as a version). */
export const FliptInfoCodec = t.partial({ version: t.unknown }, 'Flipt build information');

export type FliptFlag = t.TypeOf<typeof FliptFlagCodec>;
export type FliptFlagList = t.TypeOf<typeof FliptFlagListCodec>;

/**
 * The evaluation snapshot of a namespace (`GET /internal/v1/evaluation/snapshot/namespace/{key}`, Flipt 1.32+, what
 * client-side SDKs evaluate from): each flag with its rules (variant flags) and rollouts (boolean flags). Only what
 * the mapping reads; protobuf JSON leaves out fields at their zero value (`false`, `0`, empty lists), so every field
 * is optional and absent means zero.
 */
const FliptSnapshotSegmentCodec = t.partial({ key: optional(t.string) });

const FliptDistributionCodec = t.partial({ variantKey: optional(t.string), rollout: optional(t.number) });

export const FliptRuleCodec = t.partial({
  rank: optional(t.number),
  segments: optional(t.array(FliptSnapshotSegmentCodec)),
  distributions: optional(t.array(FliptDistributionCodec)),
});

export const FliptRolloutCodec = t.partial({
  /** SEGMENT_ROLLOUT_TYPE or THRESHOLD_ROLLOUT_TYPE. */
  type: optional(t.string),
  rank: optional(t.number),
  segment: optional(t.partial({ value: optional(t.boolean), segments: optional(t.array(FliptSnapshotSegmentCodec)) })),
  threshold: optional(t.partial({ percentage: optional(t.number), value: optional(t.boolean) })),
});

export const FliptSnapshotFlagCodec = t.intersection([
  t.type({ key: t.string }),
  t.partial({ rules: optional(t.array(FliptRuleCodec)), rollouts: optional(t.array(FliptRolloutCodec)) }),
]);

export const FliptNamespaceSnapshotCodec = t.type({ flags: t.array(FliptSnapshotFlagCodec) }, 'a Flipt evaluation snapshot');

export type FliptRule = t.TypeOf<typeof FliptRuleCodec>;
export type FliptRollout = t.TypeOf<typeof FliptRolloutCodec>;
/** A flag's targeting from the snapshot: its rules and rollouts, in rank order. */
export interface FliptTargeting {
  readonly rules: readonly FliptRule[];
  readonly rollouts: readonly FliptRollout[];
}
