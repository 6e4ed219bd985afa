/**
 * Links that reach Jira are for people: an issue's viewers click them. A link therefore is an http(s) URL and never
 * carries credentials; a file path or a `file:` URL opens nothing for a Jira user. Pure, so every adapter, the core
 * mapping and the git/CI paths share one rule.
 */

const isHttp = (url: URL) => url.protocol === 'http:' || url.protocol === 'https:';

function parse(raw: string): URL | undefined {
  try {
    return new URL(raw.trim());
  } catch {
    return undefined;
  }
}

/**
 * An http(s) URL people can open, without any `user:password@`; undefined for anything else (a path, `file:`,
 * `ssh:`, text that is no URL). Query and fragment stay: a flag system's own UI link may need them (`?env=prod`,
 * `#/flags/x`).
 */
export function linkForPeople(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const url = parse(raw);
  if (url === undefined || !isHttp(url)) return undefined;
  // Unchanged when there is nothing to remove, so links already in Jira keep their exact text (and hash).
  if (url.username === '' && url.password === '' && !/\s/.test(raw)) return raw;
  url.username = '';
  url.password = '';
  return url.href;
}

/**
 * A URL flagsync READ from (a flag file served over http, a git remote) used as a link for want of a better one:
 * as linkForPeople, and without the query, where tokens travel (`?token=…`). The fragment is only ever client-side.
 */
export function linkFromSource(raw: string | undefined): string | undefined {
  const link = linkForPeople(raw);
  if (link === undefined || !link.includes('?')) return link;
  const url = new URL(link);
  url.search = '';
  return url.href;
}
