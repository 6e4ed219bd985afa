import type { FlagEnvironment, NormalizedFlag } from '../../src/model/flag';
import type { FlagdFile, FlagdFlag, FlagdMetadata, FlagdVariantValue } from './codecs';
import { describeRollout } from './rollout';

/**
 * flagd definitions → NormalizedFlag. Pure: everything the mapping needs (where a file came from, when it
 * changed) is passed in. The table it implements is in README.md ("Mapping").
 */

/** One environment's decoded file and what is known about where it came from. */
export interface EnvironmentDefinitions {
  readonly environment: string;
  readonly file: FlagdFile;
  /** http(s) URL, or file:// URL of the absolute path. */
  readonly sourceUrl: string;
  /** ISO-8601: file mtime, HTTP Last-Modified, or the snapshot time. */
  readonly lastUpdated: string;
}

export interface FlagdMapSettings {
  readonly provider: string;
  /** e.g. "https://git.example/flags/blob/main/{environment}.flagd.json#{key}" */
  readonly urlTemplate?: string;
  /** Variant names that count as "on" for non-boolean flags. */
  readonly onVariants?: readonly string[];
}

/** Flag-level fields read from flagd metadata (flag-set metadata merged under flag metadata, as flagd does). */
export interface FlagMetadataFields {
  readonly name?: string;
  readonly description?: string;
  readonly url?: string;
  readonly tags: readonly string[];
  readonly issueKeys: readonly string[];
}

/** One flag as one environment's file defines it. */
export interface EnvironmentFlag {
  readonly key: string;
  readonly metadata: FlagMetadataFields;
  readonly environment: FlagEnvironment;
}

export function flagValueToText(value: FlagdVariantValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const splitList = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

const unique = (values: readonly string[]) => [...new Set(values)];

export function readFlagMetadata(metadata: FlagdMetadata): FlagMetadataFields {
  const text = (key: string): string | undefined => {
    const value = metadata[key];
    return value === undefined || String(value).trim() === '' ? undefined : String(value).trim();
  };
  const name = text('name');
  const description = text('description');
  const url = text('url');
  return {
    ...(name !== undefined && { name }),
    ...(description !== undefined && { description }),
    ...(url !== undefined && { url }),
    tags: unique(splitList(text('tags') ?? '')),
    // Keys separated by commas and/or spaces ("PROJ-1, PROJ-2" or "PROJ-1 PROJ-2").
    issueKeys: unique([text('jira'), text('issueKeys')].flatMap((v) => (v === undefined ? [] : v.split(/[\s,]+/).filter((s) => s !== '')))),
  };
}

export function expandUrlTemplate(template: string, values: { readonly environment: string; readonly key: string; readonly provider: string }): string {
  return template.replace(/\{(environment|key|provider)\}/g, (_, name: keyof typeof values) => encodeURIComponent(values[name]));
}

export function mapFlagEnvironment(key: string, flag: FlagdFlag, defs: EnvironmentDefinitions, settings: FlagdMapSettings): FlagEnvironment {
  const defaultVariant = flag.defaultVariant ?? undefined;
  const defaultRaw = defaultVariant === undefined ? undefined : flag.variants[defaultVariant];
  const enabled = flag.state === 'ENABLED';
  const rollout = enabled ? describeRollout(key, flag, settings.onVariants) : undefined;
  const url =
    settings.urlTemplate === undefined
      ? defs.sourceUrl
      : expandUrlTemplate(settings.urlTemplate, { environment: defs.environment, key, provider: settings.provider });
  return {
    name: defs.environment,
    enabled,
    ...(defaultRaw !== undefined && { defaultValue: flagValueToText(defaultRaw) }),
    ...(rollout !== undefined && { rollout }),
    url,
    lastUpdated: defs.lastUpdated,
  };
}

/** Every flag of one environment's file. Throws FlagdFileError for an inconsistent flag. */
export function mapEnvironmentFlags(defs: EnvironmentDefinitions, settings: FlagdMapSettings): EnvironmentFlag[] {
  return Object.entries(defs.file.flags).map(([key, flag]) => ({
    key,
    metadata: readFlagMetadata({ ...defs.file.metadata, ...flag.metadata }),
    environment: mapFlagEnvironment(key, flag, defs, settings),
  }));
}

const latest = (times: readonly string[]) => times.reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));

/**
 * Joins environments by flag key (environments in the order given). Name, description and url come from the
 * first environment that has them; tags and issue keys are the union over environments.
 */
export function mergeEnvironmentFlags(provider: string, perEnvironment: readonly (readonly EnvironmentFlag[])[]): NormalizedFlag[] {
  const byKey = new Map<string, EnvironmentFlag[]>();
  for (const flags of perEnvironment) {
    for (const flag of flags) byKey.set(flag.key, [...(byKey.get(flag.key) ?? []), flag]);
  }
  return [...byKey].map(([key, parts]) => {
    const first = <K extends 'name' | 'description' | 'url'>(field: K) => parts.find((p) => p.metadata[field] !== undefined)?.metadata[field];
    const name = first('name');
    const description = first('description');
    const url = first('url') ?? parts[0]!.environment.url;
    const times = parts.flatMap((p) => (p.environment.lastUpdated === undefined ? [] : [p.environment.lastUpdated]));
    return {
      provider,
      key,
      ...(name !== undefined && { name }),
      ...(description !== undefined && { description }),
      tags: unique(parts.flatMap((p) => p.metadata.tags)),
      ...(url !== undefined && { url }),
      ...(times.length > 0 && { lastUpdated: latest(times) }),
      issueKeys: unique(parts.flatMap((p) => p.metadata.issueKeys)),
      environments: parts.map((p) => p.environment),
    };
  });
}

/** All environments at once (mapEnvironmentFlags + mergeEnvironmentFlags). */
export function mapFlagdDefinitions(definitions: readonly EnvironmentDefinitions[], settings: FlagdMapSettings): NormalizedFlag[] {
  return mergeEnvironmentFlags(
    settings.provider,
    definitions.map((defs) => mapEnvironmentFlags(defs, settings)),
  );
}
