import { type FlagEnvironment, linkFromSource, type NormalizedFlag, type SkippedFlag } from '../../src/kit';
import type { FlagdFile, FlagdFlag, FlagdMetadata, FlagdVariantValue } from './codecs';
import { FlagdFileError } from './errors';
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
  /** This environment's own link template; wins over the provider's. */
  readonly urlTemplate?: string;
  /** The source as messages name it (no credentials, no query string); put in the reason of a skipped flag. */
  readonly sourceLabel?: string;
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

const unique = (values: readonly string[]) => (values.length < 2 ? [...values] : [...new Set(values)]);

const NO_METADATA: FlagdMetadata = {};

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

export function expandUrlTemplate(
  template: string,
  values: { readonly environment: string; readonly key: string; readonly provider: string },
): string {
  return template.replace(/\{(environment|key|provider)\}/g, (_, name: keyof typeof values) => encodeURIComponent(values[name]));
}

export function mapFlagEnvironment(
  key: string,
  flag: FlagdFlag,
  defs: EnvironmentDefinitions,
  settings: FlagdMapSettings,
): FlagEnvironment {
  const defaultVariant = flag.defaultVariant ?? undefined;
  const defaultRaw = defaultVariant === undefined ? undefined : flag.variants[defaultVariant];
  const enabled = flag.state === 'ENABLED';
  const rollout = enabled ? describeRollout(key, flag, settings.onVariants) : undefined;
  const template = defs.urlTemplate ?? settings.urlTemplate;
  // A link is for people: a configured template, else an http(s) source without credentials or query (where tokens
  // travel); a local file is no link at all (then the flag's metadata.url must give one, or the core skips it).
  const url =
    template === undefined
      ? linkFromSource(defs.sourceUrl)
      : expandUrlTemplate(template, { environment: defs.environment, key, provider: settings.provider });
  return {
    name: defs.environment,
    enabled,
    ...(defaultRaw !== undefined && { defaultValue: flagValueToText(defaultRaw) }),
    ...(rollout !== undefined && { rollout }),
    ...(url !== undefined && { url }),
    lastUpdated: defs.lastUpdated,
  };
}

/** One environment's flags, and those of its flags the mapping could not make sense of. */
export interface EnvironmentMapping {
  readonly flags: readonly EnvironmentFlag[];
  readonly skipped: readonly SkippedFlag[];
}

/** Flags of a whole snapshot, and the flags skipped in any environment (each listed once). */
export interface MappedFlags {
  readonly flags: NormalizedFlag[];
  readonly skipped: SkippedFlag[];
}

/**
 * Every flag of one environment's file. A flag the mapping rejects (FlagdFileError, e.g. a fractional bucket
 * naming no variant) is skipped rather than failing the file: the core keeps it in Jira as it was.
 */
export function mapEnvironmentFlags(defs: EnvironmentDefinitions, settings: FlagdMapSettings): EnvironmentMapping {
  const where = `environment "${defs.environment}": ${defs.sourceLabel === undefined ? '' : `${defs.sourceLabel}: `}`;
  const flags: EnvironmentFlag[] = [];
  const skipped: SkippedFlag[] = [];
  const fileMetadata = defs.file.metadata;
  for (const key in defs.file.flags) {
    const flag = defs.file.flags[key]!;
    try {
      flags.push({
        key,
        metadata: readFlagMetadata(fileMetadata === undefined ? (flag.metadata ?? NO_METADATA) : { ...fileMetadata, ...flag.metadata }),
        environment: mapFlagEnvironment(key, flag, defs, settings),
      });
    } catch (err) {
      if (!(err instanceof FlagdFileError)) throw err;
      skipped.push({ key, reason: `${where}${err.message}` });
    }
  }
  return { flags, skipped };
}

const latest = (times: readonly string[]) => times.reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));

/** One entry per key; the reasons of several environments are joined. */
function mergeSkipped(perEnvironment: readonly EnvironmentMapping[]): SkippedFlag[] {
  const reasons = new Map<string, string[]>();
  for (const { skipped } of perEnvironment) {
    for (const { key, reason } of skipped) reasons.set(key, [...(reasons.get(key) ?? []), reason]);
  }
  return [...reasons].map(([key, list]) => ({ key, reason: list.join('; ') }));
}

/**
 * Joins environments by flag key (environments in the order given). Name, description and url come from the
 * first environment that has them; tags and issue keys are the union over environments. A flag skipped in any
 * environment is skipped as a whole: half a flag would tell Jira the other environments no longer exist.
 */
export function mergeEnvironmentFlags(provider: string, perEnvironment: readonly EnvironmentMapping[]): MappedFlags {
  const skipped = mergeSkipped(perEnvironment);
  const skippedKeys = new Set(skipped.map((s) => s.key));
  const byKey = new Map<string, EnvironmentFlag[]>();
  for (const { flags } of perEnvironment) {
    for (const flag of flags) {
      if (skippedKeys.has(flag.key)) continue;
      const parts = byKey.get(flag.key);
      if (parts === undefined) byKey.set(flag.key, [flag]);
      else parts.push(flag);
    }
  }
  const flags = [...byKey].map(([key, parts]): NormalizedFlag => {
    const first = <K extends 'name' | 'description' | 'url'>(field: K) =>
      parts.find((p) => p.metadata[field] !== undefined)?.metadata[field];
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
  return { flags, skipped };
}

/** All environments at once (mapEnvironmentFlags + mergeEnvironmentFlags). */
export function mapFlagdDefinitions(definitions: readonly EnvironmentDefinitions[], settings: FlagdMapSettings): MappedFlags {
  return mergeEnvironmentFlags(
    settings.provider,
    definitions.map((defs) => mapEnvironmentFlags(defs, settings)),
  );
}
