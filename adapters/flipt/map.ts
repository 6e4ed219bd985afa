import type { FlagEnvironment, NormalizedFlag, SkippedFlag } from '../../src/kit';
import type { FliptFlag, FliptTargeting } from './codecs';
import { fliptStatus } from './rollout';

/** Pure: Flipt flags per namespace → flagsync's NormalizedFlag, one per flag key with one entry per environment. */
export interface NamespaceFlags {
  /** The flagsync environment name (config), and the Flipt namespace it reads. */
  readonly environment: string;
  readonly namespace: string;
  readonly flags: readonly FliptFlag[];
  /** Flags of this namespace whose data could not be used. */
  readonly skipped?: readonly { readonly key: string; readonly reason: string }[];
  /**
   * Each flag's rules and rollouts (from the namespace's evaluation snapshot); undefined when Flipt cannot say (no
   * snapshot endpoint before 1.32). A flag missing from it has none.
   */
  readonly targeting?: ReadonlyMap<string, FliptTargeting>;
}

const NO_TARGETING: FliptTargeting = { rules: [], rollouts: [] };

export interface FliptMapSettings {
  readonly provider: string;
  /** Base of UI links, without trailing slash. */
  readonly uiUrl: string;
}

const present = (s: string | null | undefined): s is string => typeof s === 'string' && s !== '';

/** Link to the flag in Flipt's UI (v1 routes: /#/namespaces/{ns}/flags/{key}). */
export function fliptFlagUrl(uiUrl: string, namespace: string, key: string): string {
  return `${uiUrl}/#/namespaces/${encodeURIComponent(namespace)}/flags/${encodeURIComponent(key)}`;
}

/** Metadata string values as "key:value" tags, so `jira: PROJ-12` links through the core's tag rules. */
export function metadataTags(metadata: Readonly<Record<string, unknown>> | null | undefined): string[] {
  if (metadata === null || metadata === undefined) return [];
  return Object.entries(metadata)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '')
    .map(([k, v]) => `${k}:${v}`)
    .sort();
}

function environmentOf(flag: FliptFlag, ns: NamespaceFlags, settings: FliptMapSettings): FlagEnvironment {
  const status = fliptStatus(flag, ns.targeting === undefined ? undefined : (ns.targeting.get(flag.key) ?? NO_TARGETING));
  return {
    name: ns.environment,
    ...status,
    url: fliptFlagUrl(settings.uiUrl, ns.namespace, flag.key),
    ...(present(flag.updatedAt) ? { lastUpdated: flag.updatedAt } : {}),
  };
}

type Occurrence = { readonly flag: FliptFlag; readonly ns: NamespaceFlags };

/** Occurrences per flag key, keys sorted; keys in `exclude` are left out. */
function groupByKey(perNamespace: readonly NamespaceFlags[], exclude: ReadonlySet<string> = new Set()): [string, Occurrence[]][] {
  const byKey = new Map<string, Occurrence[]>();
  for (const ns of perNamespace) {
    for (const flag of ns.flags) {
      if (exclude.has(flag.key)) continue;
      const list = byKey.get(flag.key) ?? [];
      list.push({ flag, ns });
      byKey.set(flag.key, list);
    }
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function flagOf(key: string, occurrences: readonly Occurrence[], settings: FliptMapSettings): NormalizedFlag {
  const first = occurrences[0]!.flag;
  const environments = occurrences.map(({ flag, ns }) => environmentOf(flag, ns, settings));
  const tags = new Set(occurrences.flatMap(({ flag }) => metadataTags(flag.metadata)));
  // The newest change in any environment stands for the flag.
  const lastUpdated = environments
    .map((e) => e.lastUpdated)
    .filter(present)
    .sort()
    .at(-1);
  return {
    provider: settings.provider,
    key,
    ...(present(first.name) ? { name: first.name } : {}),
    ...(present(first.description) ? { description: first.description } : {}),
    tags: [...tags].sort(),
    issueKeys: [],
    url: environments[0]!.url!,
    ...(lastUpdated !== undefined ? { lastUpdated } : {}),
    environments,
  };
}

export function normalizeFliptFlags(perNamespace: readonly NamespaceFlags[], settings: FliptMapSettings): NormalizedFlag[] {
  return groupByKey(perNamespace).map(([key, occurrences]) => flagOf(key, occurrences, settings));
}

/** Flags that could be read, and those skipped in any namespace (skipped as a whole, listed once). */
export interface FliptMapResult {
  readonly flags: NormalizedFlag[];
  readonly skipped: SkippedFlag[];
}

/**
 * Like normalizeFliptFlags, for a snapshot: a flag skipped while reading any namespace, or whose mapping throws, is
 * skipped in every environment (a flag missing one environment's data would send wrong data).
 */
export function mapFliptFlags(perNamespace: readonly NamespaceFlags[], settings: FliptMapSettings): FliptMapResult {
  const reasons = new Map<string, string[]>();
  const skip = (key: string, reason: string) => reasons.set(key, [...(reasons.get(key) ?? []), reason]);
  for (const ns of perNamespace) for (const s of ns.skipped ?? []) skip(s.key, `environment ${ns.environment}: ${s.reason}`);
  const flags: NormalizedFlag[] = [];
  for (const [key, occurrences] of groupByKey(perNamespace, new Set(reasons.keys()))) {
    try {
      flags.push(flagOf(key, occurrences, settings));
    } catch (error) {
      skip(key, error instanceof Error ? error.message : String(error));
    }
  }
  return { flags, skipped: [...reasons].map(([key, list]) => ({ key, reason: list.join('; ') })) };
}
