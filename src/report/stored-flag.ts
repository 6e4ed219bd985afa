import { isLeft } from 'fp-ts/Either';
import * as t from 'io-ts';

const StatusCodec = t.intersection([
  t.type({ enabled: t.boolean }),
  t.partial({
    defaultValue: t.string,
    rollout: t.partial({ percentage: t.number, text: t.string, rules: t.number }),
  }),
]);

const DetailCodec = t.intersection([
  t.type({ environment: t.intersection([t.type({ name: t.string }), t.partial({ type: t.string })]), status: StatusCodec }),
  t.partial({ url: t.string }),
]);

/** The parts of a feature flag as Jira's GET …/flag/{id} returns it that a plan compares (other keys are ignored). */
export const StoredFlagCodec = t.intersection([
  t.type({ id: t.string, details: t.readonlyArray(DetailCodec) }),
  t.partial({
    displayName: t.string,
    associations: t.readonlyArray(t.type({ values: t.readonlyArray(t.unknown) })),
    summary: t.type({ status: StatusCodec }),
  }),
]);

export type StoredFlag = t.TypeOf<typeof StoredFlagCodec>;
export type FlagStatusLike = t.TypeOf<typeof StatusCodec>;

/** Jira's answer as a StoredFlag, or undefined when it is not one (then the plan names the changed fields only). */
export function decodeStoredFlag(body: unknown): StoredFlag | undefined {
  const decoded = StoredFlagCodec.decode(body);
  return isLeft(decoded) ? undefined : decoded.right;
}
