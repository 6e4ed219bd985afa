import * as t from 'io-ts';

/**
 * io-ts codecs for what LaunchDarkly hands us: flag configurations as the SDK receives them (server-side data model,
 * the same JSON the Relay Proxy serves on /sdk/latest-all) and pages of the REST API's flag list. Only the fields the
 * mapping reads are declared; everything else passes through untouched.
 */
const nullable = <C extends t.Mixed>(c: C) => t.union([c, t.null, t.undefined]);

export const WeightedVariationCodec = t.intersection([
  t.type({ variation: t.number, weight: t.number }),
  t.partial({ untracked: nullable(t.boolean) }),
]);

export const RolloutCodec = t.intersection([
  t.type({ variations: t.array(WeightedVariationCodec) }),
  t.partial({ kind: nullable(t.string), bucketBy: nullable(t.string), contextKind: nullable(t.string) }),
]);

/** Fallthrough and rules serve either a fixed variation or a rollout. */
export const VariationOrRolloutCodec = t.partial({
  variation: nullable(t.number),
  rollout: nullable(RolloutCodec),
});

export const ClauseCodec = t.intersection([
  t.type({ attribute: t.string, op: t.string, values: t.array(t.unknown) }),
  t.partial({ negate: nullable(t.boolean), contextKind: nullable(t.string) }),
]);

export const RuleCodec = t.intersection([
  VariationOrRolloutCodec,
  t.partial({ id: nullable(t.string), clauses: nullable(t.array(ClauseCodec)), description: nullable(t.string) }),
]);

export const TargetCodec = t.intersection([
  t.type({ values: t.array(t.string), variation: t.number }),
  t.partial({ contextKind: nullable(t.string) }),
]);

export const PrerequisiteCodec = t.type({ key: t.string, variation: t.number });

export const LdFlagCodec = t.intersection([
  t.type({ key: t.string, version: t.number }),
  t.partial({
    on: nullable(t.boolean),
    variations: nullable(t.array(t.unknown)),
    offVariation: nullable(t.number),
    fallthrough: nullable(VariationOrRolloutCodec),
    rules: nullable(t.array(RuleCodec)),
    targets: nullable(t.array(TargetCodec)),
    contextTargets: nullable(t.array(TargetCodec)),
    prerequisites: nullable(t.array(PrerequisiteCodec)),
    deleted: nullable(t.boolean),
    // Not part of the SDK payload today; read when a source includes them.
    name: nullable(t.string),
    description: nullable(t.string),
    tags: nullable(t.array(t.string)),
  }),
]);

export type LdFlag = t.TypeOf<typeof LdFlagCodec>;
export type LdRollout = t.TypeOf<typeof RolloutCodec>;
export type LdVariationOrRollout = t.TypeOf<typeof VariationOrRolloutCodec>;

/** Just enough of a listed item to know which flag it is; the rest is decoded per item. */
export const KeyedItemCodec = t.type({ key: t.string });

const LinkCodec = t.type({ href: t.string });

export const RestMaintainerCodec = t.partial({
  email: nullable(t.string),
  firstName: nullable(t.string),
  lastName: nullable(t.string),
});

export const RestFlagEnvironmentCodec = t.partial({
  lastModified: nullable(t.number),
  on: nullable(t.boolean),
});

export const RestFlagCodec = t.intersection([
  t.type({ key: t.string }),
  t.partial({
    name: nullable(t.string),
    description: nullable(t.string),
    tags: nullable(t.array(t.string)),
    archived: nullable(t.boolean),
    _maintainer: nullable(RestMaintainerCodec),
    customProperties: nullable(t.record(t.string, t.partial({ name: nullable(t.string), value: nullable(t.array(t.string)) }))),
    environments: nullable(t.record(t.string, RestFlagEnvironmentCodec)),
  }),
]);

/** The page envelope only: each item is decoded on its own so one bad flag costs only its own metadata. */
export const RestFlagsPageCodec = t.intersection([
  t.type({ items: t.array(t.unknown) }),
  t.partial({
    totalCount: nullable(t.number),
    _links: nullable(t.partial({ next: nullable(LinkCodec) })),
  }),
]);

export type RestFlag = t.TypeOf<typeof RestFlagCodec>;
export type RestFlagsPage = t.TypeOf<typeof RestFlagsPageCodec>;
