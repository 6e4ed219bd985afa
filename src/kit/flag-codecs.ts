import * as t from 'io-ts';

/** io-ts codecs for what adapters return: the core validates every snapshot with these. */
const optional = <C extends t.Mixed>(c: C) => t.union([c, t.undefined]);

export const RolloutCodec = t.partial({
  percentage: t.number,
  rules: t.number,
  text: t.string,
});

export const FlagEnvironmentCodec = t.intersection([
  t.type({ name: t.string, enabled: t.boolean }),
  t.partial({
    defaultValue: optional(t.string),
    rollout: optional(RolloutCodec),
    url: optional(t.string),
    lastUpdated: optional(t.string),
  }),
]);

export const NormalizedFlagCodec = t.intersection([
  t.type({
    provider: t.string,
    key: t.string,
    tags: t.readonlyArray(t.string),
    issueKeys: t.readonlyArray(t.string),
    environments: t.readonlyArray(FlagEnvironmentCodec),
  }),
  t.partial({
    name: optional(t.string),
    description: optional(t.string),
    url: optional(t.string),
    lastUpdated: optional(t.string),
  }),
]);
