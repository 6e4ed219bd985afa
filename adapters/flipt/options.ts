import * as t from 'io-ts';
import { EnvironmentTypeCodec, HttpUrl, NonEmptyString } from '../../src/kit';

/**
 * The provider's config entry. Codec names are what the config loader prints (`providers[0].url: expected a URL,
 * got "foo"`), so they read as expectations.
 */
const PageSize = t.refinement(t.number, (n) => Number.isInteger(n) && n >= 1 && n <= 1000, 'an integer 1..1000');

/** One flagsync environment = one Flipt namespace (its key defaults to the environment's name). */
export const FliptEnvironmentCodec = t.intersection([
  t.type({ name: NonEmptyString }),
  t.partial({ type: EnvironmentTypeCodec, namespace: NonEmptyString }),
]);

const FliptOptionsShape = t.intersection([
  t.type({
    name: NonEmptyString,
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

function hasUniqueEnvironments(o: t.TypeOf<typeof FliptOptionsShape>): boolean {
  return o.environments.length > 0 && new Set(o.environments.map((e) => e.name)).size === o.environments.length;
}

export const FliptOptionsCodec = t.refinement(FliptOptionsShape, hasUniqueEnvironments, 'at least one environment, with unique names');

export type FliptOptions = t.TypeOf<typeof FliptOptionsCodec>;
export type FliptEnvironmentOptions = t.TypeOf<typeof FliptEnvironmentCodec>;
