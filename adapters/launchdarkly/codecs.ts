import * as t from 'io-ts';

/**
 * io-ts codecs for what LaunchDarkly hands us: flag configurations as the SDK receives them (server-side data model,
 * the same JSON the Relay Proxy serves on /sdk/latest-all) and pages of the REST API's flag list. Only the fields the
 * mapping reads are declared; everything else passes through untouched.
 */
/**
 * Absent or null, else `c`. Not a `t.union`: a failed union is reported at its own path with its whole type as the
 * expectation, while delegating keeps the inner path ("fallthrough.rollout.variations[0].weight: expected number").
 */
const nullable = <C extends t.Mixed>(c: C) =>
  new t.Type<t.TypeOf<C> | null | undefined, t.OutputOf<C> | null | undefined, unknown>(
    `${c.name} | null`,
    (u): u is t.TypeOf<C> | null | undefined => u === null || u === undefined || c.is(u),
    (u, context) => (u === null || u === undefined ? t.success(u) : c.validate(u, t.appendContext(context, '', c, u))),
    (a) => (a === null || a === undefined ? a : c.encode(a)),
  );

export const WeightedVariationCodec = t.intersection(
  [
    t.type({ variation: t.number, weight: t.number }, 'a weighted variation'),
    t.partial({ untracked: nullable(t.boolean) }, 'a weighted variation'),
  ],
  'a weighted variation',
);

export const RolloutCodec = t.intersection(
  [
    t.type({ variations: t.array(WeightedVariationCodec) }, 'a rollout'),
    t.partial({ kind: nullable(t.string), bucketBy: nullable(t.string), contextKind: nullable(t.string) }, 'a rollout'),
  ],
  'a rollout',
);

/** Fallthrough and rules serve either a fixed variation or a rollout. */
export const VariationOrRolloutCodec = t.partial(
  {
    variation: nullable(t.number),
    rollout: nullable(RolloutCodec),
  },
  'a variation or rollout',
);

export const ClauseCodec = t.intersection(
  [
    t.type({ attribute: t.string, op: t.string, values: t.array(t.unknown) }, 'a clause'),
    t.partial({ negate: nullable(t.boolean), contextKind: nullable(t.string) }, 'a clause'),
  ],
  'a clause',
);

export const RuleCodec = t.intersection(
  [
    VariationOrRolloutCodec,
    t.partial({ id: nullable(t.string), clauses: nullable(t.array(ClauseCodec)), description: nullable(t.string) }, 'a rule'),
  ],
  'a rule',
);

export const TargetCodec = t.intersection(
  [t.type({ values: t.array(t.string), variation: t.number }, 'a target'), t.partial({ contextKind: nullable(t.string) }, 'a target')],
  'a target',
);

export const PrerequisiteCodec = t.type({ key: t.string, variation: t.number }, 'a prerequisite');

export const LdFlagCodec = t.intersection(
  [
    t.type({ key: t.string, version: t.number }, 'a flag object'),
    t.partial(
      {
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
      },
      'a flag object',
    ),
  ],
  'a flag object',
);

export type LdFlag = t.TypeOf<typeof LdFlagCodec>;

/**
 * Whether the SDK's change tracking would find `key` on every object: it keeps flag and segment keys as properties of
 * plain objects, so a key such as `constructor`, `toString` or `__proto__` reads the inherited property there and
 * throws (in a promise nobody awaits). Any JSON value is taken as the property key it becomes (`["valueOf"]` too).
 */
export function isObjectPrototypeName(key: unknown): boolean {
  if (typeof key === 'string') return key in Object.prototype;
  if (typeof key === 'object' && key !== null && !Array.isArray(key)) return false; // "[object Object]"
  try {
    return String(key) in Object.prototype;
  } catch {
    return true; // not a JSON value; nothing the SDK could track either
  }
}

/** A flag or segment key the SDK's change tracking can hold (anything else it reads is its own business). */
const trackableKey = (what: string) =>
  new t.Type<unknown>(
    `${what} the LaunchDarkly SDK can track (not a property name every JavaScript object has)`,
    (u): u is unknown => !isObjectPrototypeName(u),
    (u, context) => (isObjectPrototypeName(u) ? t.failure(u, context) : t.success(u)),
    t.identity,
  );

const PrerequisiteKeyCodec = t.partial({ key: trackableKey('a flag key') }, 'a prerequisite');

/** A prerequisite object whose key (if any) the SDK can track; `is` is the fast path every flag takes. */
const TrackedPrerequisiteCodec = new t.Type<Record<string, unknown>, Record<string, unknown>, unknown>(
  'a prerequisite',
  (u): u is Record<string, unknown> => t.UnknownRecord.is(u) && !isObjectPrototypeName(u['key']),
  (u, context) => {
    if (!t.UnknownRecord.is(u)) return t.failure(u, context);
    const checked = PrerequisiteKeyCodec.validate(u, t.appendContext(context, '', PrerequisiteKeyCodec, u));
    return checked._tag === 'Left' ? checked : t.success(u);
  },
  t.identity,
);

const SegmentMatchClauseCodec = t.type(
  { values: t.array(trackableKey('a segment key'), 'a list of segment keys') },
  'a segmentMatch clause',
);

/** A clause object; one with op `segmentMatch` needs its values as a list (they are the segment keys walked). */
const TrackedClauseCodec = new t.Type<Record<string, unknown>, Record<string, unknown>, unknown>(
  'a clause',
  (u): u is Record<string, unknown> => t.UnknownRecord.is(u) && (u['op'] !== 'segmentMatch' || SegmentMatchClauseCodec.is(u)),
  (u, context) => {
    if (!t.UnknownRecord.is(u)) return t.failure(u, context);
    if (u['op'] !== 'segmentMatch') return t.success(u);
    const checked = SegmentMatchClauseCodec.validate(u, t.appendContext(context, '', SegmentMatchClauseCodec, u));
    return checked._tag === 'Left' ? checked : t.success(u);
  },
  t.identity,
);

/**
 * What the SDK's change tracking walks in every flag or segment it is handed: prerequisites (flags) and the rules'
 * clauses (flags and segments, for the segments they match). It does so after the store took the item, in a promise
 * nobody awaits, so a throw there (a `null` prerequisite or clause, a list that is not one, a prerequisite or segment
 * key named like a property every object has: see isObjectPrototypeName) is an unhandled rejection and ends the
 * process. An item must pass this, and its own key must pass isObjectPrototypeName, before the SDK sees it; whether
 * it is a usable flag is LdFlagCodec's to say, later.
 */
export const SdkTrackedItemCodec = t.partial(
  {
    prerequisites: nullable(t.array(TrackedPrerequisiteCodec, 'a list of prerequisites')),
    rules: nullable(
      t.array(t.partial({ clauses: nullable(t.array(TrackedClauseCodec, 'a list of clauses')) }, 'a rule'), 'a list of rules'),
    ),
  },
  'a flag or segment object',
);

/** Why the SDK cannot hold an item listed (or streamed) under a key like `constructor`. */
export const PROTOTYPE_KEY_REASON = 'key: expected a key the LaunchDarkly SDK can track (not a property name every JavaScript object has)';

export type LdRollout = t.TypeOf<typeof RolloutCodec>;
export type LdVariationOrRollout = t.TypeOf<typeof VariationOrRolloutCodec>;

/** Just enough of a listed item to know which flag it is; the rest is decoded per item. */
export const KeyedItemCodec = t.type({ key: t.string });

const LinkCodec = t.type({ href: t.string });

export const RestMaintainerCodec = t.partial(
  {
    email: nullable(t.string),
    firstName: nullable(t.string),
    lastName: nullable(t.string),
  },
  'a maintainer',
);

export const RestFlagEnvironmentCodec = t.partial(
  {
    lastModified: nullable(t.number),
    on: nullable(t.boolean),
  },
  'an environment',
);

export const RestFlagCodec = t.intersection(
  [
    t.type({ key: t.string }, 'a flag object'),
    t.partial(
      {
        name: nullable(t.string),
        description: nullable(t.string),
        tags: nullable(t.array(t.string)),
        archived: nullable(t.boolean),
        _maintainer: nullable(RestMaintainerCodec),
        customProperties: nullable(t.record(t.string, t.partial({ name: nullable(t.string), value: nullable(t.array(t.string)) }))),
        environments: nullable(t.record(t.string, RestFlagEnvironmentCodec)),
      },
      'a flag object',
    ),
  ],
  'a flag object',
);

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
