import { type FlagEnvironment, linkFromSource } from '../../src/kit';
import type { FlagdFile, FlagdFlag, FlagdMetadata } from './codecs';
import { describeRollout } from './rollout';

/**
 * One environment's flagd definitions → the parts of a NormalizedFlag (join.ts joins the environments). Pure:
 * everything the mapping needs (where a file came from, when it changed) is passed in. The table it implements is in
 * README.md ("Mapping").
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
  /**
   * The file's flag keys in its order and each key's definition at the same index, when the caller has them (saves
   * listing and looking up 100,000s of keys again).
   */
  readonly listed?: { readonly keys: readonly string[]; readonly definitions: readonly FlagdFlag[] };
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

/** A metadata value as text, trimmed; undefined when absent or blank. `fallback` stands under `metadata`. */
function metadataText(metadata: FlagdMetadata, fallback: FlagdMetadata | undefined, key: string): string | undefined {
  let value = metadata[key];
  if (value === undefined && fallback !== undefined) value = fallback[key];
  if (value === undefined) return undefined;
  const trimmed = String(value).trim();
  return trimmed === '' ? undefined : trimmed;
}

const ISSUE_KEY_SEPARATOR = /[\s,]+/;

/**
 * Pieces of `text` split at `separator`, without empty ones, each once in first-seen order: in the split's own
 * array, which is exactly as long (a list grown by push gets spare room for a dozen or more entries, and there is a
 * list per flag).
 */
function partsOf(text: string, separator: string | RegExp, trim: boolean): string[] {
  const pieces = text.split(separator);
  let kept = 0;
  for (let i = 0; i < pieces.length; i++) {
    const piece = trim ? pieces[i]!.trim() : pieces[i]!;
    if (piece === '') continue;
    let seen = false;
    for (let k = 0; k < kept && !seen; k++) seen = pieces[k] === piece;
    if (!seen) pieces[kept++] = piece;
  }
  pieces.length = kept;
  return pieces;
}

/** `list` with what `more` adds, in first-seen order (`more` itself when `list` is empty). */
function union(list: string[], more: string[]): string[] {
  if (list.length === 0) return more;
  for (const value of more) if (!list.includes(value)) list.push(value);
  return list;
}

/**
 * Metadata fields gathered over a flag's environments: name, description and url from the first that has them,
 * tags and issue keys the union in first-seen order.
 */
export class GatheredMetadata {
  name: string | undefined = undefined;
  description: string | undefined = undefined;
  url: string | undefined = undefined;
  tags: string[] = [];
  issueKeys: string[] = [];
  /** The metadata texts last split into tags and issue keys: the same text again adds nothing, so it is not split. */
  tagsText: string | undefined = undefined;
  jiraText: string | undefined = undefined;
  issueKeysText: string | undefined = undefined;
}

/**
 * Adds one environment's metadata to `into`; `fallback` (the flag-set metadata) stands under `metadata`, as if merged
 * with `{ ...fallback, ...metadata }`, without building that merged copy for every flag. Only for what a set can say of
 * all its flags (tags, issue keys): a set's `name`, `description` or `url` describes the set, and would give every
 * flag in the file the same display name, summary or link in Jira.
 */
export function gatherMetadata(into: GatheredMetadata, metadata: FlagdMetadata, fallback: FlagdMetadata | undefined): void {
  into.name ??= metadataText(metadata, undefined, 'name');
  into.description ??= metadataText(metadata, undefined, 'description');
  into.url ??= metadataText(metadata, undefined, 'url');
  const tags = metadataText(metadata, fallback, 'tags');
  if (tags !== undefined && tags !== into.tagsText) {
    into.tags = union(into.tags, partsOf(tags, ',', true));
    into.tagsText = tags;
  }
  // Keys separated by commas and/or spaces ("PROJ-1, PROJ-2" or "PROJ-1 PROJ-2").
  const jira = metadataText(metadata, fallback, 'jira');
  if (jira !== undefined && jira !== into.jiraText) {
    into.issueKeys = union(into.issueKeys, partsOf(jira, ISSUE_KEY_SEPARATOR, false));
    into.jiraText = jira;
  }
  const issueKeys = metadataText(metadata, fallback, 'issueKeys');
  if (issueKeys !== undefined && issueKeys !== into.issueKeysText) {
    into.issueKeys = union(into.issueKeys, partsOf(issueKeys, ISSUE_KEY_SEPARATOR, false));
    into.issueKeysText = issueKeys;
  }
}

/** `metadata` read as flag fields (one environment's; `fallback` is the flag-set metadata). */
export function readFlagMetadata(metadata: FlagdMetadata, fallback?: FlagdMetadata): FlagMetadataFields {
  const fields = new GatheredMetadata();
  gatherMetadata(fields, metadata, fallback);
  const { name, description, url, tags, issueKeys } = fields;
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
  return (key) => parts.join(encodedKey(key));
}

/** encodeURIComponent, but a key with a lone surrogate gets U+FFFD in its place instead of failing the provider. */
function encodedKey(key: string): string {
  try {
    return encodeURIComponent(key);
  } catch {
    return encodeURIComponent(wellFormed(key));
  }
}

/**
 * The key with any lone surrogate (valid in JSON, `"\ud800x"`) replaced by U+FFFD: encodeURIComponent throws on one,
 * which would fail the whole provider over one odd key. (String.prototype.toWellFormed is ES2024, above our lib.)
 */
function wellFormed(key: string): string {
  return key.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/**
 * A flag's link in one environment. A link is for people: a configured template, else an http(s) source without
 * credentials or query (where tokens travel); a local file is no link at all (then the flag's metadata.url must give
 * one, or the core skips it).
 */
export function environmentLink(defs: EnvironmentDefinitions, settings: FlagdMapSettings): (key: string) => string | undefined {
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
  const enabled = flag.state === 'ENABLED';
  const rollout = enabled ? describeRollout(key, flag, settings.onVariants) : undefined;
  const url = (linkOf ?? environmentLink(defs, settings))(key);
  const name = defs.environment;
  const { lastUpdated } = defs;
  // No default value: Jira's is the value served while the flag is off, and a DISABLED flagd flag serves no variant
  // (flagd answers with reason DISABLED, applications get their code default, which the file does not know). The
  // default variant is what an ENABLED flag serves where targeting gives nothing: the rollout text names it.
  // Keys in the order they always had, the optional ones only when set. The usual shapes are written out whole, so
  // each object holds its fields itself rather than in a second, grown array of properties.
  if (url !== undefined) {
    if (rollout !== undefined) return { name, enabled, rollout, url, lastUpdated };
    return { name, enabled, url, lastUpdated };
  }
  return { name, enabled, ...(rollout !== undefined && { rollout }), lastUpdated };
}
