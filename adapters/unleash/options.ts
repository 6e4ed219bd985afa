import * as t from 'io-ts';
import { crossChecked, HttpUrl, NonEmptyString, type ProviderOptions } from '../../src/kit';

/**
 * The Unleash adapter's own keys of a provider entry (the core decodes `name`, `adapter` and each environment's
 * `name` and `type`). Admin mode when `adminToken` is present (one token, all environments); otherwise client mode,
 * where every environment brings its own `clientToken`.
 */
const UnleashEnvironmentOptions = t.partial({ clientToken: NonEmptyString });

const UnleashOptionsShape = t.intersection([
  t.type({
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

/** The one rule spanning keys: client mode needs a token per environment. */
function crossFieldProblem(o: Shape): string | undefined {
  if (o.adminToken === undefined && !o.environments.every((e) => e.clientToken !== undefined)) {
    return 'an adminToken, or a clientToken on every environment';
  }
  return undefined;
}

export const UnleashOptionsCodec = crossChecked(UnleashOptionsShape, 'Unleash provider options', crossFieldProblem);

export type UnleashOwnOptions = t.TypeOf<typeof UnleashOptionsCodec>;
/** The options as `create` gets them: these keys, with the shared provider fields merged in by the core. */
export type UnleashOptions = ProviderOptions<UnleashOwnOptions>;
export type UnleashEnvironmentOption = UnleashOptions['environments'][number];
