import * as t from 'io-ts';
import { HttpUrl, NonEmptyString, type ProviderOptions } from '../../src/kit';

/**
 * The Flipt adapter's own keys of a provider entry; the core decodes `name`, `adapter` and each environment's
 * `name` and `type`. Codec names are what the config loader prints (`providers[0].url: expected a URL, got
 * "foo"`), so they read as expectations.
 */
const PageSize = t.refinement(t.number, (n) => Number.isInteger(n) && n >= 1 && n <= 1000, 'an integer 1..1000');

/** One flagsync environment = one Flipt namespace (its key defaults to the environment's name). */
export const FliptEnvironmentCodec = t.partial({ namespace: NonEmptyString });

export const FliptOptionsCodec = t.intersection([
  t.type({
    /** Flipt's base URL, e.g. http://flipt:8080 (the API is under /api/v1). */
    url: HttpUrl,
    environments: t.array(FliptEnvironmentCodec, 'a list of environments'),
  }),
  t.partial({
    /** A Flipt client token (sent as `Authorization: Bearer`); leave out when authentication is off. */
    token: NonEmptyString,
    /** Base of links to the Flipt UI (default: `url`). */
    uiUrl: HttpUrl,
    /** Flags per page (default 100). */
    pageSize: PageSize,
  }),
]);

export type FliptOwnOptions = t.TypeOf<typeof FliptOptionsCodec>;
/** The options as `create` gets them: these keys, with the shared provider fields merged in by the core. */
export type FliptOptions = ProviderOptions<FliptOwnOptions>;
export type FliptEnvironmentOptions = FliptOptions['environments'][number];
