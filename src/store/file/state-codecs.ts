import * as t from 'io-ts';

/** The file store's on-disk forms (snapshot, journal, summary) share these. */
export const KindCodec = t.keyof({ featureflags: null, builds: null, deployments: null, devinfo: null });
export const EntityRecordCodec = t.intersection([
  t.type({ h: t.string, s: t.number, p: t.string }),
  t.partial({ f: t.record(t.string, t.string), i: t.string }),
]);
export const SourceRecordCodec = t.type({ f: t.string, m: t.string, n: t.number, u: t.number });
