import type { EnvironmentType, FlagEnvironment, NormalizedFlag } from '../../src/kit';
import type { UnleashDependencyView, UnleashEnvironmentView, UnleashFeatureView } from './model';
import { rolloutOf, servesEveryone, servesNobody } from './rollout';

/** Unleash feature view → NormalizedFlag. Pure: no I/O, no clock. */
export interface MapContext {
  readonly provider: string;
  /** Base of the Unleash UI (no trailing slash); links point at /projects/{project}/features/{name}. */
  readonly uiUrl?: string;
  /** Jira types from Unleash's own environment types (Admin API); the config's `type` still wins in the core. */
  readonly environmentTypes?: ReadonlyMap<string, EnvironmentType>;
  /** The parent, if any, that keeps a flag off in an environment whoever asks (see unmetParents). */
  readonly unmetParent?: (environment: string, dependencies: readonly UnleashDependencyView[]) => string | undefined;
}

/** Unleash serves `false` (and the `disabled` variant) when a flag is off or no strategy matches. */
const UNLEASH_OFF_VALUE = 'false';

export function featureUrl(uiUrl: string | undefined, project: string | undefined, name: string): string | undefined {
  if (uiUrl === undefined || project === undefined) return undefined;
  return `${uiUrl}/projects/${encodeURIComponent(project)}/features/${encodeURIComponent(name)}`;
}

/** Off, or on with strategies that all serve nobody (an enabled flag without strategies is on for everyone). */
function isNeverOn(state: UnleashEnvironmentView): boolean {
  if (state.enabled && state.unlistedStrategies !== undefined) return false;
  return !state.enabled || (state.strategies.length > 0 && state.strategies.every(servesNobody));
}

/**
 * On for everyone, whoever asks: on, without parents of its own or strategies it cannot see, and with no strategy or
 * one that serves everyone (see servesEveryone).
 */
function isAlwaysOn(state: UnleashEnvironmentView): boolean {
  if (!state.enabled || (state.dependencies?.length ?? 0) > 0 || state.unlistedStrategies !== undefined) return false;
  return state.strategies.length === 0 || state.strategies.some(servesEveryone);
}

/**
 * For the features read, the parent that keeps a child off in an environment however it is asked, as the SDK decides
 * (`isParentDependencySatisfied`): a parent that is absent, one that has parents itself (Unleash allows one level),
 * one that is never on for anyone where the child requires it on (off there, or on with only strategies that serve
 * nobody: a 0% rollout, see servesNobody), or one on for everyone where the child requires it off. Any other parent
 * may or may not be on for a given user: those children keep their rollout ("requires …"). A parent whose data could not be read
 * (`unreadable`) may be anything.
 */
export function unmetParents(
  views: readonly UnleashFeatureView[],
  unreadable: ReadonlySet<string>,
): (environment: string, dependencies: readonly UnleashDependencyView[]) => string | undefined {
  const byName = new Map(views.map((v) => [v.name, v]));
  return (environment, dependencies) => {
    for (const dependency of dependencies) {
      if (unreadable.has(dependency.feature)) continue;
      const parent = byName.get(dependency.feature);
      const state = parent?.environments.find((e) => e.name === environment);
      if (parent === undefined || (state?.dependencies?.length ?? 0) > 0) return dependency.feature;
      if (dependency.enabled && state !== undefined && isNeverOn(state)) return dependency.feature;
      if (!dependency.enabled && state !== undefined && isAlwaysOn(state)) return dependency.feature;
    }
    return undefined;
  };
}

export function normalizeUnleashFeature(feature: UnleashFeatureView, ctx: MapContext): NormalizedFlag {
  const url = featureUrl(ctx.uiUrl, feature.project, feature.name);
  const environments: FlagEnvironment[] = feature.environments.map((env) => {
    const blocked = env.enabled && env.dependencies !== undefined && ctx.unmetParent?.(env.name, env.dependencies) !== undefined;
    const rollout = blocked ? undefined : rolloutOf(env);
    const type = ctx.environmentTypes?.get(env.name);
    return {
      name: env.name,
      enabled: env.enabled && !blocked,
      defaultValue: UNLEASH_OFF_VALUE,
      ...(rollout !== undefined ? { rollout } : {}),
      ...(url !== undefined ? { url } : {}),
      ...(type !== undefined ? { type } : {}),
    };
  });
  return {
    provider: ctx.provider,
    key: feature.name,
    ...(feature.description !== undefined ? { description: feature.description } : {}),
    tags: feature.tags.map((tag) => `${tag.type}:${tag.value}`),
    ...(url !== undefined ? { url } : {}),
    ...(feature.lastChangedAt !== undefined ? { lastUpdated: feature.lastChangedAt } : {}),
    // Unleash has no field dedicated to Jira links; the core finds keys in tags, key and description.
    issueKeys: [],
    environments,
  };
}
