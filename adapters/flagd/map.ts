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

const NO_METADATA: FlagdMetadata = {};

/** A metadata value as text, trimmed; undefined when absent or blank. `fallback` stands under `metadata`. */
function metadataText(metadata: FlagdMetadata, fallback: FlagdMetadata | undefined, key: string): string | undefined {
  let value = metadata[key];
  if (value === undefined && fallback !== undefined) value = fallback[key];
  if (value === undefined) return undefined;
  const trimmed = String(value).trim();
  return trimmed === '' ? undefined : trimmed;
}

const ISSUE_KEY_SEPARATOR = /[\s,]+/;

/** Pieces of `text` split at `separator`, without empty ones, each once in first-seen order. */
function uniqueParts(text: string | undefined, separator: string | RegExp, into: string[], trim: boolean): void {
  if (text === undefined) return;
  for (const part of text.split(separator)) {
    const piece = trim ? part.trim() : part;
    if (piece !== '' && !into.includes(piece)) into.push(piece);
  }
}

/**
 * `metadata` read as flag fields; `fallback` (the flag-set metadata) stands under it, as if merged with
 * `{ ...fallback, ...metadata }`, without building that merged copy for every flag.
 */
export function readFlagMetadata(metadata: FlagdMetadata, fallback?: FlagdMetadata): FlagMetadataFields {
  const name = metadataText(metadata, fallback, 'name');
  const description = metadataText(metadata, fallback, 'description');
  const url = metadataText(metadata, fallback, 'url');
  const tags: string[] = [];
  uniqueParts(metadataText(metadata, fallback, 'tags'), ',', tags, true);
  // Keys separated by commas and/or spaces ("PROJ-1, PROJ-2" or "PROJ-1 PROJ-2").
  const issueKeys: string[] = [];
  uniqueParts(metadataText(metadata, fallback, 'jira'), ISSUE_KEY_SEPARATOR, issueKeys, false);
  uniqueParts(metadataText(metadata, fallback, 'issueKeys'), ISSUE_KEY_SEPARATOR, issueKeys, false);
  return {
    ...(name !== undefined && { name }),
    ...(description !== undefined && { description }),
    ...(url !== undefined && { url }),
    tags,
    issueKeys,
  };
}

const TEMPLATE_FIELD = /\{(environment|key|provider)\}/g;

export function expandUrlTemplate(
  template: string,
  values: { readonly environment: string; readonly key: string; readonly provider: string },
): string {
  return template.replace(TEMPLATE_FIELD, (_, name: keyof typeof values) => encodeURIComponent(values[name]));
}

/**
 * A template with the fields fixed for one environment (provider, environment) filled in once: per flag, only `{key}`
 * is left. Same result as expandUrlTemplate.
 */
function keyTemplate(template: string, environment: string, provider: string): (key: string) => string {
  const fixed = { environment: encodeURIComponent(environment), provider: encodeURIComponent(provider) };
  const parts: string[] = []; // literal text, then the text after each {key}
  let rest = '';
  let last = 0;
  for (const match of template.matchAll(TEMPLATE_FIELD)) {
    rest += template.slice(last, match.index) + (match[1] === 'key' ? '' : fixed[match[1] as 'environment' | 'provider']);
    if (match[1] === 'key') {
      parts.push(rest);
      rest = '';
    }
    last = match.index + match[0].length;
  }
  parts.push(rest + template.slice(last));
  if (parts.length === 1) return () => parts[0]!;
  // join builds one flat string; `+=` would keep each URL as a rope of its pieces, larger in memory.
  return (key) => parts.join(encodeURIComponent(key));
}

/**
 * A flag's link in one environment. A link is for people: a configured template, else an http(s) source without
 * credentials or query (where tokens travel); a local file is no link at all (then the flag's metadata.url must give
 * one, or the core skips it).
 */
function environmentLink(defs: EnvironmentDefinitions, settings: FlagdMapSettings): (key: string) => string | undefined {
  const template = defs.urlTemplate ?? settings.urlTemplate;
  if (template !== undefined) return keyTemplate(template, defs.environment, settings.provider);
  const link = linkFromSource(defs.sourceUrl);
  return () => link;
}

/** `linkOf`: environmentLink(defs, settings), when the caller maps many flags of the environment. */
export function mapFlagEnvironment(
  key: string,
  flag: FlagdFlag,
  defs: EnvironmentDefinitions,
  settings: FlagdMapSettings,
  linkOf?: (key: string) => string | undefined,
): FlagEnvironment {
  const defaultVariant = flag.defaultVariant ?? undefined;
  const defaultRaw = defaultVariant === undefined ? undefined : flag.variants[defaultVariant];
  const enabled = flag.state === 'ENABLED';
  const rollout = enabled ? describeRollout(key, flag, settings.onVariants) : undefined;
  const url = (linkOf ?? environmentLink(defs, settings))(key);
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
  const linkOf = environmentLink(defs, settings);
  for (const key in defs.file.flags) {
    const flag = defs.file.flags[key]!;
    try {
      flags.push({
        key,
        metadata: readFlagMetadata(flag.metadata ?? NO_METADATA, fileMetadata),
        environment: mapFlagEnvironment(key, flag, defs, settings, linkOf),
      });
    } catch (err) {
      if (!(err instanceof FlagdFileError)) throw err;
      skipped.push({ key, reason: `${where}${err.message}` });
    }
  }
  return { flags, skipped };
}

/** Each value once, in first-seen order. */
function unionOf(lists: readonly (readonly string[])[]): string[] {
  if (lists.length === 1 && lists[0]!.length < 2) return [...lists[0]!];
  const seen = new Set<string>();
  for (const list of lists) for (const value of list) seen.add(value);
  return [...seen];
}

/**
 * One flag from its environments' parts: name, description and url from the first part that has them, tags and issue
 * keys the union, lastUpdated the latest (the first of equal ones).
 */
function joinedFlag(provider: string, key: string, parts: readonly EnvironmentFlag[]): NormalizedFlag {
  let name: string | undefined;
  let description: string | undefined;
  let metadataUrl: string | undefined;
  let lastUpdated: string | undefined;
  let lastMs = Number.NaN;
  for (const { metadata, environment } of parts) {
    name ??= metadata.name;
    description ??= metadata.description;
    metadataUrl ??= metadata.url;
    const time = environment.lastUpdated;
    if (time === undefined || time === lastUpdated) continue;
    const ms = Date.parse(time);
    if (lastUpdated === undefined || ms > lastMs) {
      lastUpdated = time;
      lastMs = ms;
    }
  }
  const url = metadataUrl ?? parts[0]!.environment.url;
  return {
    provider,
    key,
    ...(name !== undefined && { name }),
    ...(description !== undefined && { description }),
    tags: unionOf(parts.map((p) => p.metadata.tags)),
    ...(url !== undefined && { url }),
    ...(lastUpdated !== undefined && { lastUpdated }),
    issueKeys: unionOf(parts.map((p) => p.metadata.issueKeys)),
    environments: parts.map((p) => p.environment),
  };
}

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
  const flags: NormalizedFlag[] = [];
  for (const [key, parts] of byKey) flags.push(joinedFlag(provider, key, parts));
  return { flags, skipped };
}

/** All environments at once (mapEnvironmentFlags + mergeEnvironmentFlags). */
export function mapFlagdDefinitions(definitions: readonly EnvironmentDefinitions[], settings: FlagdMapSettings): MappedFlags {
  return mergeEnvironmentFlags(
    settings.provider,
    definitions.map((defs) => mapEnvironmentFlags(defs, settings)),
  );
}
