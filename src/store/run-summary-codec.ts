import * as t from 'io-ts';

/** One provider's counts in a run record, as both run logs (file and PostgreSQL) store them. */
export const ProviderSummaryCodec = t.intersection([
  t.type({
    provider: t.string,
    ok: t.boolean,
    created: t.number,
    updated: t.number,
    deleted: t.number,
    rejected: t.number,
    failed: t.number,
    deletesRefused: t.number,
  }),
  t.partial({ error: t.string }),
]);
