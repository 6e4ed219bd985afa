import * as t from 'io-ts';

/**
 * The provider's config entry. Codec names are what the config loader prints (`providers[0].url: expected a URL
 * (http or https)`), so they read as expectations.
 */
function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

const HttpUrl = t.refinement(t.string, isHttpUrl, 'a URL (http or https)');
const NonEmpty = t.refinement(t.string, (s) => s.trim() !== '', 'a non-empty string');
const PageSize = t.refinement(t.number, (n) => Number.isInteger(n) && n >= 1 && n <= 1000, 'an integer 1..1000');
const EnvironmentType = t.keyof({ production: null, staging: null, testing: null, development: null }, 'production | staging | testing | development');

/** One flagsync environment = one Flipt namespace (its key defaults to the environment's name). */
export const FliptEnvironmentCodec = t.intersection([
  t.type({ name: NonEmpty }),
  t.partial({ type: EnvironmentType, namespace: NonEmpty }),
]);

const FliptOptionsShape = t.intersection([
  t.type({
    name: NonEmpty,
    /** Flipt's base URL, e.g. http://flipt:8080 (the API is under /api/v1). */
    url: HttpUrl,
    environments: t.array(FliptEnvironmentCodec, 'a list of environments'),
  }),
  t.partial({
    /** A Flipt client token (sent as `Authorization: Bearer`); leave out when authentication is off. */
    token: NonEmpty,
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
