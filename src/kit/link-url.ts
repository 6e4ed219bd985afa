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

/** `scheme://host[:port]` followed by the end or a path, query or fragment: no user info, nothing to trim. */
const PLAIN_LINK = /^(https?:\/\/[A-Za-z0-9.-]+(?::[0-9]{1,5})?)(?:[/?#]|$)/;
const plainOrigins = new Map<string, boolean>();

/**
 * The verdict on a link of the common shape (PLAIN_LINK, no whitespace) from its origin alone: past the host and
 * port, the URL parser never fails an http(s) URL, and such a link has nothing to remove. Each origin is parsed
 * once, so a source with 100k links on a few hosts parses a few URLs. Undefined for any other shape (full parse).
 */
function plainLink(raw: string): boolean | undefined {
  const origin = PLAIN_LINK.exec(raw)?.[1];
  if (origin === undefined || /\s/.test(raw)) return undefined;
  let ok = plainOrigins.get(origin);
  if (ok === undefined) {
    if (plainOrigins.size >= 1000) plainOrigins.clear();
    plainOrigins.set(origin, (ok = parse(`${origin}/`) !== undefined));
  }
  return ok;
}

/**
 * An http(s) URL people can open, without any `user:password@`; undefined for anything else (a path, `file:`,
 * `ssh:`, text that is no URL). Query and fragment stay: a flag system's own UI link may need them (`?env=prod`,
 * `#/flags/x`).
 */
export function linkForPeople(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const plain = plainLink(raw);
  // Unchanged when it is a URI already, so links already in Jira keep their exact text (and hash).
  if (plain !== undefined) return plain ? (isUriText(raw) ? raw : uriOf(parse(raw)!)) : undefined;
  const url = parse(raw);
  if (url === undefined || !isHttp(url)) return undefined;
  if (url.username === '' && url.password === '' && isUriText(raw)) return raw;
  url.username = '';
  url.password = '';
  return uriOf(url);
}

/**
 * Characters of an RFC 3986 URI after `scheme://host[:port]` (every field Jira takes a link in is a `uri`): the
 * unreserved and reserved ones but the brackets (for IP literals only), with one `#` at most, and `%` only before two
 * hex digits. The URL parser lets others through (`|`, `^`, `[`, a second `#`, a stray `%`) and encodes non-ASCII only
 * in its own output (`href`), not in the text it was given.
 */
const URI_TEXT =
  /^https?:\/\/[A-Za-z0-9.-]+(?::[0-9]{0,5})?(?:[/?][A-Za-z0-9\-._~:/?@!$&'()*+,;=%]*)?(?:#[A-Za-z0-9\-._~:/?@!$&'()*+,;=%]*)?$/i;
const STRAY_PERCENT = /%(?![0-9A-Fa-f]{2})/;

/**
 * The text (of an http(s) URL the parser took) is a URI as it is: `http(s)://host[:port]` (scheme in any case, a port
 * possibly empty) then URI_TEXT's characters. One pattern, as a run tests every link of every flag.
 */
function isUriText(raw: string): boolean {
  return URI_TEXT.test(raw) && !(raw.includes('%') && STRAY_PERCENT.test(raw));
}

/** The parsed URL as a URI: its href, with what the URL parser leaves in place percent-encoded. */
function uriOf(url: URL): string {
  const { origin, href } = url;
  const rest = href.slice(origin.length);
  const hash = rest.indexOf('#');
  const encode = (part: string, more: RegExp): string => part.replace(STRAY_PERCENT_ALL, '%25').replace(more, encodeURIComponent);
  const before = hash < 0 ? rest : rest.slice(0, hash);
  const after = hash < 0 ? undefined : rest.slice(hash + 1);
  return `${origin}${encode(before, NOT_URI_CHAR)}${after === undefined ? '' : `#${encode(after, NOT_URI_CHAR_OR_HASH)}`}`;
}

const NOT_URI_CHAR = /[^A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]/g;
const NOT_URI_CHAR_OR_HASH = /[^A-Za-z0-9\-._~:/?@!$&'()*+,;=%]/g;
const STRAY_PERCENT_ALL = /%(?![0-9A-Fa-f]{2})/g;

/**
 * A URL flagsync READ from (a flag file served over http, a git remote) used as a link for want of a better one:
 * as linkForPeople, and without the query, where tokens travel (`?token=…`). The fragment is only ever client-side.
 */
export function linkFromSource(raw: string | undefined): string | undefined {
  const link = linkForPeople(raw);
  if (link === undefined || !link.includes('?')) return link;
  const url = new URL(link);
  url.search = '';
  return uriOf(url);
}
