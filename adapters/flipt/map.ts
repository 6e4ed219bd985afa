import type { FlagEnvironment, NormalizedFlag } from '../../src/model/flag';
import type { FliptFlag } from './codecs';

/** Pure: Flipt flags per namespace → flagsync's NormalizedFlag, one per flag key with one entry per environment. */
export interface NamespaceFlags {
  /** The flagsync environment name (config), and the Flipt namespace it reads. */
  readonly environment: string;
  readonly namespace: string;
  readonly flags: readonly FliptFlag[];
}

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
  const isVariant = flag.type === 'VARIANT_FLAG_TYPE';
  return {
    name: ns.environment,
    enabled: flag.enabled,
    ...(isVariant && present(flag.defaultVariant?.key) ? { defaultValue: flag.defaultVariant.key } : {}),
    ...(!isVariant ? { defaultValue: String(flag.enabled) } : {}),
    url: fliptFlagUrl(settings.uiUrl, ns.namespace, flag.key),
    ...(present(flag.updatedAt) ? { lastUpdated: flag.updatedAt } : {}),
  };
}

export function normalizeFliptFlags(perNamespace: readonly NamespaceFlags[], settings: FliptMapSettings): NormalizedFlag[] {
  const byKey = new Map<string, { first: FliptFlag; environments: FlagEnvironment[]; tags: Set<string> }>();
  for (const ns of perNamespace) {
    for (const flag of ns.flags) {
      let entry = byKey.get(flag.key);
      if (entry === undefined) byKey.set(flag.key, (entry = { first: flag, environments: [], tags: new Set() }));
      entry.environments.push(environmentOf(flag, ns, settings));
      for (const tag of metadataTags(flag.metadata)) entry.tags.add(tag);
    }
  }
  return [...byKey.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, { first, environments, tags }]): NormalizedFlag => {
      // The newest change in any environment stands for the flag.
      const lastUpdated = environments.map((e) => e.lastUpdated).filter(present).sort().at(-1);
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
    });
}
