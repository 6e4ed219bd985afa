/**
 * Jira's ids for devinfo entities (repository, branch, pull request and commit `id` in the spec): "Only alphanumeric
 * characters, and '~.-_', are allowed", at most 1024 characters. One pure function gives a branch its id, for the
 * submit and for the delete path alike, so the two can never disagree.
 */
import { createHash } from 'node:crypto';

export const MAX_DEVINFO_ID = 1024;
/** Every id Jira takes. */
export const DEVINFO_ID_PATTERN = /^[A-Za-z0-9~.\-_]{1,1024}$/;
/** Names used as they are: Jira's characters without '~', so an id starting with '~' is always an encoded one. */
const AS_IS = /^[A-Za-z0-9.\-_]{1,1024}$/;

/**
 * A stable id Jira accepts for a name (a branch name, say): the name itself when it already obeys the rule
 * (`main`, `PROJ-12-login`); otherwise '~' and the hex of its UTF-8 bytes, as github-for-jira does
 * (`feature/PROJ-12` → `~666561747572652f50524f4a2d3132`); and when that passes 1024 characters (names over 511
 * bytes), `sha256-` and the hex of the name's SHA-256, the fallback earlier versions already used for long names.
 */
export function devinfoIdOf(name: string): string {
  if (AS_IS.test(name)) return name;
  const hex = `~${Buffer.from(name, 'utf8').toString('hex')}`;
  if (hex.length <= MAX_DEVINFO_ID) return hex;
  return `sha256-${createHash('sha256').update(name, 'utf8').digest('hex')}`;
}
