import type { FlagEnvironment, NormalizedFlag } from '../../src/kit';
import type { UnleashFeatureView } from './model';
import { rolloutOf } from './rollout';

/** Unleash feature view → NormalizedFlag. Pure: no I/O, no clock. */
export interface MapContext {
  readonly provider: string;
  /** Base of the Unleash UI (no trailing slash); links point at /projects/{project}/features/{name}. */
  readonly uiUrl?: string;
}

/** Unleash serves `false` (and the `disabled` variant) when a flag is off or no strategy matches. */
const UNLEASH_OFF_VALUE = 'false';

export function featureUrl(uiUrl: string | undefined, project: string | undefined, name: string): string | undefined {
  if (uiUrl === undefined || project === undefined) return undefined;
  return `${uiUrl}/projects/${encodeURIComponent(project)}/features/${encodeURIComponent(name)}`;
}

export function normalizeUnleashFeature(feature: UnleashFeatureView, ctx: MapContext): NormalizedFlag {
  const url = featureUrl(ctx.uiUrl, feature.project, feature.name);
  const environments: FlagEnvironment[] = feature.environments.map((env) => {
    const rollout = rolloutOf(env);
    return {
      name: env.name,
      enabled: env.enabled,
      defaultValue: UNLEASH_OFF_VALUE,
      ...(rollout !== undefined ? { rollout } : {}),
      ...(url !== undefined ? { url } : {}),
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
