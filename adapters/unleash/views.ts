import type { AdminFeature, ClientFeature, Dependency, SearchFeature } from './codecs';
import type { ClientEnvironmentRead } from './client-reader';
import { addSkip, attempt, skippedList } from './entity';
import type { UnleashDependencyView, UnleashEnvironmentView, UnleashFeatureView, UnleashRead, UnleashStrategyView } from './model';

/** Pure conversions from decoded Unleash payloads to the adapter's own view of a feature. */

type RawParameters = Readonly<Record<string, string | number | boolean | null>> | null | undefined;

function stringParameters(raw: RawParameters): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw ?? {})) if (value !== null) out[key] = String(value);
  return out;
}

interface RawStrategy {
  readonly name: string;
  readonly title?: string | null;
  readonly disabled?: boolean | null;
  readonly parameters?: RawParameters;
  readonly constraints?: readonly unknown[] | null;
  readonly variants?: readonly { readonly name: string }[] | null;
}

function strategyView(raw: RawStrategy, segments: readonly string[]): UnleashStrategyView {
  return {
    name: raw.name,
    ...(raw.title ? { title: raw.title } : {}),
    parameters: stringParameters(raw.parameters),
    constraints: raw.constraints?.length ?? 0,
    segments,
    variants: (raw.variants ?? []).map((v) => v.name),
  };
}

/** Unleash treats a missing `enabled` as "parent must be on". */
function dependencyViews(raw: readonly Dependency[] | null | undefined): { dependencies?: UnleashDependencyView[] } {
  if (raw === null || raw === undefined || raw.length === 0) return {};
  return { dependencies: raw.map((d) => ({ feature: d.feature, enabled: d.enabled !== false, variants: d.variants ?? [] })) };
}

const segmentLabel = (id: number, names: ReadonlyMap<number, string>): string => names.get(id) ?? `#${id}`;

const optionalText = (key: 'description' | 'type' | 'createdAt', value: string | null | undefined) =>
  value !== null && value !== undefined && value !== '' ? { [key]: value } : {};

/**
 * A feature as read through the Admin API: the search row (tags, per-environment on/off) plus, when any configured
 * environment is on, the feature's own document (strategies). Only the configured environments are kept, in config
 * order; an environment the feature's project does not have is left out.
 */
export function adminFeatureView(
  row: SearchFeature,
  feature: AdminFeature | undefined,
  environments: readonly string[],
  segmentNames: ReadonlyMap<number, string>,
  lastChangedAt?: string,
): UnleashFeatureView {
  const source = feature?.environments ?? (row.environments ?? []).map((e) => ({ name: e.name, enabled: e.enabled, strategies: [] }));
  const envViews: UnleashEnvironmentView[] = [];
  for (const name of environments) {
    const env = source.find((e) => e.name === name);
    if (env === undefined) continue;
    const strategies = (env.strategies ?? [])
      .filter((s) => s.disabled !== true)
      .map((s) =>
        strategyView(
          s,
          (s.segments ?? []).map((id) => segmentLabel(id, segmentNames)),
        ),
      );
    envViews.push({
      name,
      enabled: env.enabled,
      strategies,
      ...dependencyViews(feature?.dependencies),
      ...(feature !== undefined && unlistedStrategies(row, name, strategies.length)),
    });
  }
  const doc = feature ?? row;
  return {
    name: row.name,
    project: row.project,
    ...optionalText('description', doc.description),
    ...optionalText('type', doc.type),
    ...(typeof doc.stale === 'boolean' ? { stale: doc.stale } : {}),
    ...optionalText('createdAt', doc.createdAt),
    ...(lastChangedAt !== undefined ? { lastChangedAt } : {}),
    tags: (row.tags ?? []).map((tag) => ({ type: tag.type, value: tag.value })),
    environments: envViews,
  };
}

/**
 * What the search row knows that the feature document leaves out: the active strategies of a release plan's milestone.
 * A row with a milestone, or with active strategies where the document lists none, has them.
 */
function unlistedStrategies(row: SearchFeature, environment: string, listed: number): Pick<UnleashEnvironmentView, 'unlistedStrategies'> {
  const env = row.environments?.find((e) => e.name === environment);
  const milestone = env?.milestoneName ?? undefined;
  if (milestone !== undefined && milestone !== '') return { unlistedStrategies: { milestone } };
  return env?.hasEnabledStrategies === true && listed === 0 ? { unlistedStrategies: {} } : {};
}

/** Strategies matter only where a configured environment is on: a disabled one maps to "off" whatever it holds. */
export function needsStrategies(row: SearchFeature, environments: readonly string[]): boolean {
  if (row.environments === undefined || row.environments === null) return true;
  return row.environments.some((e) => e.enabled && environments.includes(e.name));
}

/** One environment's view of a feature, from the client SDK's definitions. */
export function clientEnvironmentView(environment: string, feature: ClientFeature): UnleashEnvironmentView {
  return {
    name: environment,
    enabled: feature.enabled,
    strategies: (feature.strategies ?? [])
      .filter((s) => s.disabled !== true)
      .map((s) =>
        strategyView(
          s,
          (s.segments ?? []).flatMap((seg) => (seg === undefined ? ['unknown segment'] : [seg.name ? seg.name : `#${seg.id}`])),
        ),
      ),
    ...dependencyViews(feature.dependencies),
  };
}

/**
 * Joins the per-environment client definitions into one view per feature. A feature absent from an environment's
 * data is absent from that environment (a client token sees only its own environment and projects). A feature
 * skipped in any environment is skipped as a whole: a flag missing one environment's data would send wrong data.
 */
export function clientFeatureViews(perEnvironment: readonly ClientEnvironmentRead[]): UnleashRead {
  const skips = new Map<string, string[]>();
  for (const { environment, skipped } of perEnvironment) {
    for (const { name, reason } of skipped) addSkip(skips, name, `environment ${environment}: ${reason}`);
  }
  const byName = new Map<string, { first: ClientFeature; environments: UnleashEnvironmentView[] }>();
  for (const { environment, features } of perEnvironment) {
    for (const feature of features) {
      if (skips.has(feature.name)) continue;
      const view = attempt(() => clientEnvironmentView(environment, feature));
      if (!view.ok) {
        addSkip(skips, feature.name, `environment ${environment}: ${view.reason}`);
        byName.delete(feature.name);
        continue;
      }
      const entry = byName.get(feature.name) ?? { first: feature, environments: [] };
      entry.environments.push(view.value);
      byName.set(feature.name, entry);
    }
  }
  const views = [...byName.values()].map(({ first, environments }) => ({
    name: first.name,
    ...(first.project ? { project: first.project } : {}),
    ...optionalText('description', first.description),
    ...optionalText('type', first.type),
    ...(typeof first.stale === 'boolean' ? { stale: first.stale } : {}),
    tags: [],
    environments,
  }));
  return { views, skipped: skippedList(skips) };
}
