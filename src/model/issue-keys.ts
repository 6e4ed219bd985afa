/**
 * Finding Jira issue keys in flag metadata. Jira accepts `^[A-Z][A-Z0-9_]*-[1-9][0-9]*$`-style keys
 * (FACTS.md section 7 and the strict schema); extraction follows github-for-jira's proven pattern: project part of
 * at least two characters, number without a leading zero, bounded by non-alphanumerics. Flag keys and names are
 * matched case-insensitively (flag keys are usually lower case: `proj-12-checkout`); prose in descriptions only in
 * upper case, to avoid false positives such as "covid-19".
 */
export const ISSUE_KEY_PATTERN = /^[A-Z][A-Z0-9_]*-[1-9][0-9]*$/;
/** Jira's cap on association values per entity (FACTS.md: 500 in total). */
export const MAX_ISSUE_KEYS = 500;

const inText = /(?:^|[^A-Za-z0-9])([A-Za-z][A-Za-z0-9]{1,255}-[1-9][0-9]{0,9})(?=$|[^A-Za-z0-9])/g;
const inProse = /(?:^|[^A-Za-z0-9])([A-Z][A-Z0-9]{1,255}-[1-9][0-9]{0,9})(?=$|[^A-Za-z0-9])/g;

export function isIssueKey(candidate: string): boolean {
  return ISSUE_KEY_PATTERN.test(candidate);
}

function collect(text: string | undefined, pattern: RegExp, out: string[]): void {
  if (text === undefined || text === '') return;
  for (const match of text.matchAll(pattern)) out.push(match[1]!.toUpperCase());
}

export interface LinkingOptions {
  readonly tags: boolean;
  readonly key: boolean;
  readonly name: boolean;
  readonly description: boolean;
  /** When set, only "type:value" tags of these types count. */
  readonly tagTypes?: readonly string[];
}

export const DEFAULT_LINKING: LinkingOptions = { tags: true, key: true, name: true, description: true };

export interface LinkSource {
  readonly key: string;
  readonly name?: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly issueKeys: readonly string[];
}

/**
 * Keys from one tag: "PROJ-1", "jira:proj-1", "jira:PROJ-1,PROJ-2". An untyped tag counts only in upper case:
 * lower-case tags such as "release-2024" are usually not issue keys.
 */
function keysFromTag(tag: string, tagTypes: readonly string[] | undefined, out: string[]): void {
  const colon = tag.indexOf(':');
  const type = colon > 0 ? tag.slice(0, colon) : undefined;
  const value = colon > 0 ? tag.slice(colon + 1) : tag;
  if (tagTypes !== undefined && (type === undefined || !tagTypes.includes(type))) return;
  for (const part of value.split(/[,\s]+/)) {
    const candidate = type === undefined ? part.trim() : part.trim().toUpperCase();
    if (isIssueKey(candidate)) out.push(candidate);
  }
}

export interface LinkResult {
  readonly keys: readonly string[];
  /** How many distinct keys were found before capping at MAX_ISSUE_KEYS. */
  readonly found: number;
  /** Explicit keys (adapter-provided) that are not valid Jira keys. */
  readonly invalid: readonly string[];
}

/** De-duplicated, validated issue keys in a stable order (explicit, tags, key, name, description), capped. */
export function linkIssueKeys(source: LinkSource, options: LinkingOptions = DEFAULT_LINKING): LinkResult {
  const raw: string[] = [];
  const invalid: string[] = [];
  for (const k of source.issueKeys) {
    const upper = k.trim().toUpperCase();
    if (isIssueKey(upper)) raw.push(upper);
    else invalid.push(k);
  }
  if (options.tags) for (const tag of source.tags) keysFromTag(tag, options.tagTypes, raw);
  if (options.key) collect(source.key, inText, raw);
  if (options.name) collect(source.name, inText, raw);
  if (options.description) collect(source.description, inProse, raw);
  const unique = [...new Set(raw.filter(isIssueKey))];
  return { keys: unique.slice(0, MAX_ISSUE_KEYS), found: unique.length, invalid };
}

/** Keys in free text (branch names, commit messages) for builds, deployments and devinfo. */
export function issueKeysInText(text: string, caseSensitive = false): string[] {
  const out: string[] = [];
  collect(text, caseSensitive ? inProse : inText, out);
  return [...new Set(out.filter(isIssueKey))];
}
