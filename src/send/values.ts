import { toRfc3339Utc } from '../model/date-time';
import { linkForPeople } from '../kit/link-url';
import { UsageError } from './usage-error';
import { cleanText, cutText } from '../model/text';

/** Checked conversions of command-line strings; each failure names the option. */
export function required(value: string | undefined, option: string, hint = ''): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`${option} is required${hint}`);
  return value.trim();
}

export function wholeNumber(value: string, option: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n))
    throw new UsageError(`${option}: expected a whole number ≥ 0, got "${value}"`);
  return n;
}

export function oneOf<T extends string>(value: string, option: string, allowed: readonly T[]): T {
  const v = value.trim().toLowerCase().replace(/-/g, '_');
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`${option}: expected one of ${allowed.join(', ')}, got "${value}"`);
  return v as T;
}

/**
 * An http(s) URL of at most `max` characters (Jira's 2000 by default), as a link for people: without a
 * `user:password@` (CI variables carry them), and in the URL parser's form when the text is not one already (a space
 * in a job name becomes %20: Jira takes only URIs). The error never repeats the value, which may hold a secret.
 */
export function httpUrl(value: string, option: string, max = 2000): string {
  const link = linkForPeople(value.trim());
  if (link === undefined) throw new UsageError(`${option}: expected an http(s) URL`);
  if (link.length > max) throw new UsageError(`${option}: at most ${max} characters (Jira's limit)`);
  return link;
}

/** Jira caps names and descriptions at 255 characters; cut with an ellipsis rather than be rejected. */
/** Whole characters only, without controls or bidi overrides. */
export function clip(value: string, max = 255): string {
  return cutText(cleanText(value), max, '…');
}

/**
 * An identifier for Jira (pipeline, environment, commit, service): at most `max` characters, and no control character,
 * which would be part of the id in Jira (unlike a display name, where it is dropped) and be printed raw to the CI log.
 */
export function maxLength(value: string, option: string, max = 255): string {
  if (value.length > max) throw new UsageError(`${option}: at most ${max} characters (Jira's limit), got ${value.length}`);
  if (/[\u0000-\u001f\u007f]/.test(value))
    throw new UsageError(`${option}: control characters (a tab, an escape…) are not allowed in an id`);
  return value;
}

/** RFC 3339 UTC for Jira; only ISO 8601 date-times count, not whatever Date.parse guesses ("May 1", "1/2/2026"). */
export function isoTime(value: string, option: string): string {
  const time = toRfc3339Utc(value);
  if (time === undefined) throw new UsageError(`${option}: expected an ISO-8601 date-time, got "${value}"`);
  return time;
}

/** "A-1, B-2 C-3" → ["A-1","B-2","C-3"]. */
export function list(value: string | undefined): string[] {
  return value === undefined
    ? []
    : value
        .split(/[,\s]+/)
        .map((v) => v.trim())
        .filter((v) => v !== '');
}
