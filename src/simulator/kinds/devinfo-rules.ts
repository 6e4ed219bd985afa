/**
 * Devinfo rules the spec states only in prose (or in a Java pattern the derived schema had to move into a comment),
 * checked per repository and per entity. Each returns Jira-style `<path>: <problem>` messages.
 */
import { associationCountProblems } from '../limits';

/** Repository, commit, branch and pull request ids: "Only alphanumeric characters, and '~.-_', are allowed". */
export const DEVINFO_ID_CHARS = /^[A-Za-z0-9~.\-_]+$/;
export const MAX_DEVINFO_ID = 1024;
/** The spec's devinfo `issueKeys` pattern (Java `\p{Digit}` is ASCII unless UNICODE_CHARACTER_CLASS is set). */
export const DEVINFO_ISSUE_KEY = /^\p{L}[\p{L}0-9_]{1,255}-[0-9]{1,255}$/u;

export function idProblems(id: string, path: string): string[] {
  const problems: string[] = [];
  if (!DEVINFO_ID_CHARS.test(id)) problems.push(`${path}: must only contain alphanumeric characters and '~.-_'`);
  if (id.length > MAX_DEVINFO_ID) problems.push(`${path}: must NOT have more than ${MAX_DEVINFO_ID} characters`);
  return problems;
}

function issueKeyProblems(keys: unknown, path: string): string[] {
  if (!Array.isArray(keys)) return [];
  return keys.flatMap((key, i) =>
    typeof key === 'string' && !DEVINFO_ISSUE_KEY.test(key) ? [`${path}[${i}]: '${key}' is not a valid issue key`] : [],
  );
}

/** "A UTC ISO 8601 date time" (commit authorTimestamp, pull request lastUpdate): the schema says only `string`. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

function dateTimeProblems(value: unknown, path: string): string[] {
  if (typeof value !== 'string') return [];
  return ISO_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)) ? [] : [`${path}: '${value}' is not an ISO 8601 date-time`];
}

interface DevinfoEntityLike {
  readonly id: string;
  readonly issueKeys?: unknown;
  readonly associations?: readonly { readonly values: readonly unknown[] }[];
  readonly authorTimestamp?: unknown;
  readonly lastUpdate?: unknown;
  readonly lastCommit?: { readonly id?: unknown; readonly issueKeys?: unknown; readonly authorTimestamp?: unknown };
}

/**
 * A commit, branch or pull request: its id, its issue keys (and a branch's lastCommit's), its association total, its
 * times (a commit's authorTimestamp, a pull request's lastUpdate).
 */
export function devinfoEntityProblems(entity: DevinfoEntityLike, path: string): string[] {
  const problems = [
    ...idProblems(entity.id, `${path}.id`),
    ...issueKeyProblems(entity.issueKeys, `${path}.issueKeys`),
    ...associationCountProblems(entity, path),
    ...dateTimeProblems(entity.authorTimestamp, `${path}.authorTimestamp`),
    ...dateTimeProblems(entity.lastUpdate, `${path}.lastUpdate`),
  ];
  const tip = entity.lastCommit;
  if (tip !== undefined) {
    if (typeof tip.id === 'string') problems.push(...idProblems(tip.id, `${path}.lastCommit.id`));
    problems.push(...issueKeyProblems(tip.issueKeys, `${path}.lastCommit.issueKeys`));
    problems.push(...dateTimeProblems(tip.authorTimestamp, `${path}.lastCommit.authorTimestamp`));
  }
  return problems;
}
