/**
 * Finding Jira issue keys in flag metadata. A key is a project key of at least two characters (a letter, then
 * letters, digits or '_', as the strictest of Jira's issue-key patterns, devinfo's, requires), a dash and an issue
 * number without a leading zero (Jira numbers issues from 1), each part at most 255 characters (Jira's
 * `\w{1,255}-\d{1,255}`). Text is matched in UPPER CASE only, like the Jenkins
 * plugin: matched case-insensitively, ordinary names invent keys Jira then rejects ("release-2024-q1" → RELEASE-2024,
 * "onboarding-step-2" → STEP-2, "gpt-4" → GPT-4). Teams whose flag keys carry keys in lower case
 * (`proj-12-checkout`) switch on `linking.ignoreCase`, which accepts a key in any case at the START of the flag key.
 */
export const ISSUE_KEY_PATTERN = /^[A-Z][A-Z0-9_]{1,254}-[1-9][0-9]{0,254}$/;
/** Jira accepts at most 500 association values per entity, counted across all of its associations. */
export const MAX_ISSUE_KEYS = 500;

const inText = /(?:^|[^A-Za-z0-9])([A-Za-z][A-Za-z0-9]{1,255}-[1-9][0-9]{0,9})(?=$|[^A-Za-z0-9])/g;
// Project keys may hold '_' (`MY_PROJ-12`): read whole, the leftmost match wins, and '_' still separates a key
// from lower-case text before it (`enable_PROJ-12` → PROJ-12), as in the Jenkins plugin. Only in upper-case text:
// case-insensitively `new_checkout_web-42` would become one key.
const inProse = /(?:^|[^A-Za-z0-9])([A-Z][A-Z0-9_]{1,255}-[1-9][0-9]{0,9})(?=$|[^A-Za-z0-9])/g;
const atStart = /^([A-Za-z][A-Za-z0-9]{1,255}-[1-9][0-9]{0,9})(?=$|[^A-Za-z0-9])/;
/** Tag types whose values are issue references, in any case, when `tagTypes` is not configured. */
const ISSUE_TAG_TYPES = ['jira', 'issue', 'issues', 'ticket'];

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
  /** When set, only "type:value" tags of these types count (their values in any case). */
  readonly tagTypes?: readonly string[];
  /** Also accept a lower-case key at the start of the flag key (`proj-12-checkout` → PROJ-12). */
  readonly ignoreCase?: boolean;
}

export const DEFAULT_LINKING: LinkingOptions = { tags: true, key: true, name: true, description: true };

export interface LinkSource {
  readonly key: string;
  readonly name?: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly issueKeys: readonly string[];
}

// Tag types match in any case (`tagTypes: [Jira]` takes `jira:PROJ-1` and `JIRA:PROJ-1`); each configured list is
// lower-cased once.
const lowerCasedTypes = new WeakMap<readonly string[], readonly string[]>();
function lowerCased(types: readonly string[]): readonly string[] {
  let lower = lowerCasedTypes.get(types);
  if (lower === undefined) lowerCasedTypes.set(types, (lower = types.map((t) => t.toLowerCase())));
  return lower;
}

/**
 * Keys from one tag: "PROJ-1", "jira:proj-1", "jira:PROJ-1,PROJ-2". Values of issue-typed tags (`tagTypes`, else
 * jira/issue/issues/ticket) count in any case; any other tag only when written as a key in upper case, so
 * "owner:team-42" or "release-2024" link nothing.
 */
function keysFromTag(tag: string, tagTypes: readonly string[] | undefined, out: string[]): void {
  const colon = tag.indexOf(':');
  const type = colon > 0 ? tag.slice(0, colon).toLowerCase() : undefined;
  const value = colon > 0 ? tag.slice(colon + 1) : tag;
  const types = tagTypes === undefined ? undefined : lowerCased(tagTypes);
  if (types !== undefined && (type === undefined || !types.includes(type))) return;
  const anyCase = type !== undefined && (types ?? ISSUE_TAG_TYPES).includes(type);
  for (const part of value.split(/[,\s]+/)) {
    const candidate = anyCase ? part.trim().toUpperCase() : part.trim();
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
  if (options.key) {
    const lead = options.ignoreCase === true ? atStart.exec(source.key) : null;
    if (lead !== null) raw.push(lead[1]!.toUpperCase());
    collect(source.key, inProse, raw);
  }
  if (options.name) collect(source.name, inProse, raw);
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
