import * as t from 'io-ts';

/** io-ts codecs for what adapters return: the core validates every snapshot with these. */
const optional = <C extends t.Mixed>(c: C) => t.union([c, t.undefined]);

export const RolloutCodec = t.partial({
  percentage: t.number,
  rules: t.number,
  text: t.string,
});

const ENVIRONMENT_TYPES = { production: null, staging: null, testing: null, development: null } as const;

export const EnvironmentTypeHintCodec = t.keyof(ENVIRONMENT_TYPES, 'one of production, staging, testing, development');

export const FlagEnvironmentCodec = t.intersection([
  t.type({ name: t.string, enabled: t.boolean }),
  t.partial({
    defaultValue: optional(t.string),
    rollout: optional(RolloutCodec),
    url: optional(t.string),
    lastUpdated: optional(t.string),
    type: optional(EnvironmentTypeHintCodec),
  }),
]);

/** NormalizedFlag as composed from io-ts's combinators: what NormalizedFlagCodec stands for. */
export const NormalizedFlagCodecComposed = t.intersection([
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

type Fields = Record<string, unknown>;

// What io-ts's UnknownRecord.is checks.
const isRecord = (u: unknown): u is Fields => u !== null && typeof u === 'object' && !Array.isArray(u);
const isOptionalString = (u: unknown) => u === undefined || typeof u === 'string';
const isOptionalNumber = (u: unknown) => u === undefined || typeof u === 'number';

/** As t.readonlyArray(t.string).is: `every` skips holes. */
function isStringList(u: unknown): boolean {
  if (!Array.isArray(u)) return false;
  for (let i = 0; i < u.length; i++) if (typeof u[i] !== 'string' && i in u) return false;
  return true;
}

function isRollout(u: unknown): boolean {
  return isRecord(u) && isOptionalNumber(u['percentage']) && isOptionalNumber(u['rules']) && isOptionalString(u['text']);
}

function isEnvironment(u: unknown): boolean {
  return (
    isRecord(u) &&
    typeof u['name'] === 'string' &&
    typeof u['enabled'] === 'boolean' &&
    isOptionalString(u['defaultValue']) &&
    (u['rollout'] === undefined || isRollout(u['rollout'])) &&
    isOptionalString(u['url']) &&
    isOptionalString(u['lastUpdated']) &&
    (u['type'] === undefined || (typeof u['type'] === 'string' && Object.prototype.hasOwnProperty.call(ENVIRONMENT_TYPES, u['type'])))
  );
}

function isNormalizedFlag(u: unknown): u is t.TypeOf<typeof NormalizedFlagCodecComposed> {
  if (!isRecord(u) || typeof u['provider'] !== 'string' || typeof u['key'] !== 'string') return false;
  if (!isStringList(u['tags']) || !isStringList(u['issueKeys'])) return false;
  const environments = u['environments'];
  if (!Array.isArray(environments)) return false;
  for (let i = 0; i < environments.length; i++) if (!isEnvironment(environments[i]) && i in environments) return false;
  return (
    isOptionalString(u['name']) && isOptionalString(u['description']) && isOptionalString(u['url']) && isOptionalString(u['lastUpdated'])
  );
}

/**
 * The composed codec, with an `is` written out: the same answer (test/kit/flag-codecs.test.ts compares them), without
 * the closure io-ts's union and intersection build per call, which came to ~25 per flag and 100s of MB to collect
 * for a snapshot of 100k flags. Decoding, and so every problem named, is the composed codec's.
 */
export const NormalizedFlagCodec = new t.Type<
  t.TypeOf<typeof NormalizedFlagCodecComposed>,
  t.OutputOf<typeof NormalizedFlagCodecComposed>,
  unknown
>(NormalizedFlagCodecComposed.name, isNormalizedFlag, NormalizedFlagCodecComposed.validate, NormalizedFlagCodecComposed.encode);
