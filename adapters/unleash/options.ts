import * as t from 'io-ts';
import { crossChecked, EnvironmentTypeCodec, HttpUrl, NonEmptyString } from '../../src/kit';

/**
 * The provider's config entry. Admin mode when `adminToken` is present (one token, all environments);
 * otherwise client mode, where every environment brings its own `clientToken`.
 */
const UnleashEnvironmentOptions = t.intersection([
  t.type({ name: NonEmptyString }),
  t.partial({ type: EnvironmentTypeCodec, clientToken: NonEmptyString }),
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

/** Cross-field rules, each with its own message (a refinement would only print the outermost name). */
function crossFieldProblem(o: Shape): string | undefined {
  if (o.environments.length === 0) return 'at least one environment';
  if (new Set(o.environments.map((e) => e.name)).size !== o.environments.length) return 'unique environment names';
  if (o.adminToken === undefined && !o.environments.every((e) => e.clientToken !== undefined)) {
    return 'an adminToken, or a clientToken on every environment';
  }
  return undefined;
}

export const UnleashOptionsCodec = crossChecked(UnleashOptionsShape, 'Unleash provider options', crossFieldProblem);

export type UnleashOptions = t.TypeOf<typeof UnleashOptionsCodec>;
export type UnleashEnvironmentOption = UnleashOptions['environments'][number];
