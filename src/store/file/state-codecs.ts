import * as t from 'io-ts';

/** The file store's on-disk forms (snapshot, journal, summary) share these. */
export const KindCodec = t.keyof({ featureflags: null, builds: null, deployments: null, devinfo: null });
export const EntityRecordCodec = t.intersection([
  t.type({ h: t.string, s: t.number, p: t.string }),
  t.partial({ f: t.union([t.string, t.record(t.string, t.string)]), i: t.string }),
]);
export const SourceRecordCodec = t.type({ f: t.string, m: t.string, n: t.number, u: t.number });
export const RepositoryRecordCodec = t.intersection([t.type({ p: t.string }), t.partial({ t: t.string, c: t.string })]);

/** The snapshot file (`state.json`): the records of every kind, the source and the repository records (both optional). */
export const StateFileCodec = t.intersection([
  t.type({
    version: t.literal(1),
    entities: t.partial({
      featureflags: t.record(t.string, EntityRecordCodec),
      builds: t.record(t.string, EntityRecordCodec),
      deployments: t.record(t.string, EntityRecordCodec),
      devinfo: t.record(t.string, EntityRecordCodec),
    }),
  }),
  t.partial({ sources: t.record(t.string, SourceRecordCodec), repositories: t.record(t.string, RepositoryRecordCodec) }),
]);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function isEntityRecord(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  const { h, s, p, f, i } = value;
  if (typeof h !== 'string' || typeof s !== 'number' || typeof p !== 'string') return false;
  if (i !== undefined && typeof i !== 'string') return false;
  if (f === undefined || typeof f === 'string') return true;
  if (!isPlainObject(f)) return false;
  for (const key in f) if (typeof f[key] !== 'string') return false;
  return true;
}

function isRecordOf(value: unknown, item: (v: unknown) => boolean): boolean {
  if (!isPlainObject(value)) return false;
  for (const key in value) if (!item(value[key])) return false;
  return true;
}

const isSourceRecord = (value: unknown): boolean => SourceRecordCodec.is(value);
const isRepositoryRecord = (value: unknown): boolean => RepositoryRecordCodec.is(value);

const KINDS = ['featureflags', 'builds', 'deployments', 'devinfo'] as const;

/**
 * `StateFileCodec.is`, written out: a state file holds 100k+ records, and io-ts checking each record's fields
 * through its combinators took half as long as parsing the file. test/store/state-codecs.test.ts checks the two
 * agree on the valid forms and on thousands of random changes to them.
 */
export function isStateFile(value: unknown): value is t.TypeOf<typeof StateFileCodec> {
  if (!isPlainObject(value) || value['version'] !== 1) return false;
  const { entities, sources, repositories } = value;
  if (!isPlainObject(entities)) return false;
  for (const kind of KINDS) if (entities[kind] !== undefined && !isRecordOf(entities[kind], isEntityRecord)) return false;
  if (repositories !== undefined && !isRecordOf(repositories, isRepositoryRecord)) return false;
  return sources === undefined || isRecordOf(sources, isSourceRecord);
}
