import * as t from 'io-ts';

/**
 * io-ts codecs for what Unleash 7.x sends (Admin API and the client API as the SDK hands it over). Only the fields
 * flagsync reads are declared; codecs are not exact, so Unleash may add fields freely.
 */
const nullable = <C extends t.Mixed>(c: C) => t.union([c, t.null, t.undefined]);

export const TagCodec = t.type({ type: t.string, value: t.string }, 'an Unleash tag');

export const ConstraintCodec = t.type({ contextName: t.string, operator: t.string }, 'an Unleash constraint');

export const StrategyVariantCodec = t.type({ name: t.string }, 'an Unleash variant');

/** Strategy parameters are strings in Unleash, but older data and custom strategies hold numbers too. */
const ParametersCodec = t.record(t.string, t.union([t.string, t.number, t.boolean, t.null]));

const StrategyBase = t.intersection([
  t.type({ name: t.string }),
  t.partial({
    title: nullable(t.string),
    disabled: nullable(t.boolean),
    parameters: nullable(ParametersCodec),
    constraints: nullable(t.array(ConstraintCodec)),
    variants: nullable(t.array(StrategyVariantCodec)),
  }),
]);

/**
 * A parent flag (Unleash 7 dependent features): the child is served only when the parent is on (or off when
 * `enabled` is false) and, when `variants` are listed, resolves to one of them. `enabled` defaults to true.
 */
export const DependencyCodec = t.intersection(
  [t.type({ feature: t.string }), t.partial({ enabled: nullable(t.boolean), variants: nullable(t.array(t.string)) })],
  'an Unleash dependency',
);
export type Dependency = t.TypeOf<typeof DependencyCodec>;

/** Admin API strategy: `segments` are segment ids. */
export const AdminStrategyCodec = t.intersection(
  [StrategyBase, t.partial({ segments: nullable(t.array(t.number)) })],
  'an Unleash strategy',
);

export const AdminFeatureEnvironmentCodec = t.intersection(
  [t.type({ name: t.string, enabled: t.boolean }), t.partial({ strategies: nullable(t.array(AdminStrategyCodec)) })],
  'an Unleash feature environment',
);

/** GET /api/admin/projects/{project}/features/{feature} */
export const AdminFeatureCodec = t.intersection(
  [
    t.type({ name: t.string, project: t.string, environments: t.array(AdminFeatureEnvironmentCodec) }),
    t.partial({
      description: nullable(t.string),
      type: nullable(t.string),
      stale: nullable(t.boolean),
      archived: nullable(t.boolean),
      createdAt: nullable(t.string),
      dependencies: nullable(t.array(DependencyCodec)),
    }),
  ],
  'an Unleash feature',
);
export type AdminFeature = t.TypeOf<typeof AdminFeatureCodec>;

/** One row of GET /api/admin/search/features. */
export const SearchFeatureCodec = t.intersection(
  [
    t.type({ name: t.string, project: t.string }),
    t.partial({
      tags: nullable(t.array(TagCodec)),
      environments: nullable(
        t.array(
          t.intersection([
            t.type({ name: t.string, enabled: t.boolean }),
            // Whether active strategies exist, the release plan's milestone among them (Unleash 6.x and later).
            t.partial({ hasEnabledStrategies: nullable(t.boolean), milestoneName: nullable(t.string) }),
          ]),
        ),
      ),
      description: nullable(t.string),
      type: nullable(t.string),
      stale: nullable(t.boolean),
      createdAt: nullable(t.string),
    }),
  ],
  'an Unleash search result',
);
export type SearchFeature = t.TypeOf<typeof SearchFeatureCodec>;

/** The page itself; each row is decoded on its own with SearchFeatureCodec, so one bad row skips one flag. */
export const SearchPageCodec = t.type({ features: t.array(t.unknown), total: t.number }, 'an Unleash feature search page');

/** GET /api/admin/search/events?feature=… (newest first): each event names its feature. */
export const FeatureEventsPageCodec = t.type(
  { events: t.array(t.intersection([t.type({ createdAt: t.string }), t.partial({ featureName: nullable(t.string) })])), total: t.number },
  'an Unleash event search page',
);

/** GET /api/admin/search/events?limit=1 without filters: the instance's newest event, whose id grows with every change. */
export const NewestEventPageCodec = t.type({ events: t.array(t.type({ id: t.number })) }, 'an Unleash event search page');

/** GET /api/admin/projects */
export const ProjectsCodec = t.type({ projects: t.array(t.type({ id: t.string })) }, 'an Unleash project list');
/** GET /api/admin/segments */
export const SegmentsCodec = t.type({ segments: t.array(t.type({ id: t.number, name: t.string })) }, 'an Unleash segment list');

/** GET /api/admin/environments */
export const EnvironmentsCodec = t.type(
  { environments: t.array(t.intersection([t.type({ name: t.string }), t.partial({ enabled: t.boolean, type: nullable(t.string) })])) },
  'an Unleash environment list',
);

/** unleash-client `getFeatureToggleDefinitions(true)`: strategies carry the segment objects themselves. */
export const ClientSegmentCodec = t.intersection([t.type({ id: t.number }), t.partial({ name: nullable(t.string) })], 'an Unleash segment');

export const ClientStrategyCodec = t.intersection(
  [StrategyBase, t.partial({ segments: nullable(t.array(t.union([ClientSegmentCodec, t.undefined]))) })],
  'an Unleash strategy',
);

export const ClientFeatureCodec = t.intersection(
  [
    t.type({ name: t.string, enabled: t.boolean }),
    t.partial({
      project: nullable(t.string),
      description: nullable(t.string),
      type: nullable(t.string),
      stale: nullable(t.boolean),
      strategies: nullable(t.array(ClientStrategyCodec)),
      dependencies: nullable(t.array(DependencyCodec)),
    }),
  ],
  'an Unleash client feature',
);

/** The list itself; each feature is decoded on its own with ClientFeatureCodec. */
export const ClientFeaturesCodec = t.array(t.unknown, 'Unleash client features');
export type ClientFeature = t.TypeOf<typeof ClientFeatureCodec>;
