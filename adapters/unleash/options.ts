import * as t from 'io-ts';

/**
 * The provider's config entry. Admin mode when `adminToken` is present (one token, all environments);
 * otherwise client mode, where every environment brings its own `clientToken`.
 */
function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

// The name is what the config loader prints: `providers[0].url: expected a URL (http or https)`.
export const HttpUrl = t.refinement(t.string, isHttpUrl, 'a URL (http or https)');

const NonEmptyString = t.refinement(t.string, (s) => s.trim() !== '', 'a non-empty string');

const EnvironmentType = t.keyof({ production: null, staging: null, testing: null, development: null }, 'production | staging | testing | development');

const UnleashEnvironmentOptions = t.intersection([
  t.type({ name: NonEmptyString }),
  t.partial({ type: EnvironmentType, clientToken: NonEmptyString }),
]);

const UnleashOptionsShape = t.intersection([
  t.type({
    name: NonEmptyString,
    url: HttpUrl,
    environments: t.array(UnleashEnvironmentOptions),
  }),
  t.partial({
    adminToken: NonEmptyString,
    project: NonEmptyString,
    uiUrl: HttpUrl,
    /** Admin mode: features per search page (Unleash caps it at 100). */
    pageSize: t.refinement(t.number, (n) => Number.isInteger(n) && n >= 1 && n <= 100, 'an integer 1..100'),
    /** Admin mode: concurrent per-feature requests. */
    concurrency: t.refinement(t.number, (n) => Number.isInteger(n) && n >= 1 && n <= 32, 'an integer 1..32'),
  }),
]);

type Shape = t.TypeOf<typeof UnleashOptionsShape>;

function hasCredentials(o: Shape): boolean {
  if (o.adminToken !== undefined) return true;
  return o.environments.every((e) => e.clientToken !== undefined);
}

function hasUniqueEnvironments(o: Shape): boolean {
  return new Set(o.environments.map((e) => e.name)).size === o.environments.length && o.environments.length > 0;
}

export const UnleashOptionsCodec = t.refinement(
  t.refinement(UnleashOptionsShape, hasUniqueEnvironments, 'at least one environment, with unique names'),
  hasCredentials,
  'an adminToken, or a clientToken on every environment',
);

export type UnleashOptions = t.TypeOf<typeof UnleashOptionsCodec>;
export type UnleashEnvironmentOption = UnleashOptions['environments'][number];
