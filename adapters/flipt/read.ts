import type { SourceHttp } from '../../src/kit';
import { FliptFlagListCodec, FliptInfoCodec, FliptNamespaceCodec, type FliptFlag } from './codecs';
import { decodeFliptFlag, type FlagDecode } from './entity';

/**
 * Reads one namespace's complete flag list, page by page, through the core's HTTP (errors name the URL, never the
 * token, and the status). A list that changed while paging is an error, not a shorter snapshot. Flags that do not
 * decode are returned in `skipped` by key.
 */
export class FliptReadError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'FliptReadError';
  }
}

export interface NamespaceRead {
  readonly baseUrl: string;
  readonly namespace: string;
  readonly token?: string;
  readonly pageSize: number;
}

export interface NamespaceFlagsRead {
  readonly flags: readonly FliptFlag[];
  readonly skipped: readonly { readonly key: string; readonly reason: string }[];
}

/** Flipt pages with an opaque token; a server that keeps handing out tokens must not loop forever. */
const MAX_PAGES = 10_000;

/** What Flipt's refusals of a namespace read mean, for errors. */
export const AUTH_HINTS = {
  401: 'the token is missing, wrong or expired',
  403: 'the token may not read this namespace',
};

const HINTS = { ...AUTH_HINTS, 404: 'no such namespace' };

/** The Authorization header for a Flipt token (none without one). */
export const fliptHeaders = (token: string | undefined): Record<string, string> =>
  token === undefined ? {} : { Authorization: `Bearer ${token}` };

export async function readNamespaceFlags(read: NamespaceRead, http: SourceHttp, signal: AbortSignal): Promise<NamespaceFlagsRead> {
  const base = read.baseUrl.replace(/\/+$/, '');
  const byKey = new Map<string, FlagDecode>();
  let seen = 0;
  let pageToken = '';
  let total: number | undefined;
  for (let page = 0; ; page++) {
    if (page >= MAX_PAGES) throw new FliptReadError(`namespace "${read.namespace}": more than ${MAX_PAGES} pages; giving up`);
    const url = new URL(`${base}/api/v1/namespaces/${encodeURIComponent(read.namespace)}/flags`);
    url.searchParams.set('limit', String(read.pageSize));
    if (pageToken !== '') url.searchParams.set('pageToken', pageToken);
    const shown = `${url.origin}${url.pathname}`;
    const body = await http.getJson(url, FliptFlagListCodec, {
      signal,
      headers: fliptHeaders(read.token),
      what: `Flipt GET ${shown} response`,
      hints: HINTS,
    });
    for (const raw of body.flags) {
      const decoded = decodeFliptFlag(raw, `Flipt GET ${shown} response, flags[${seen++}]`);
      byKey.set(decoded.ok ? decoded.flag.key : decoded.key, decoded);
    }
    total = body.totalCount ?? total;
    pageToken = body.nextPageToken ?? '';
    if (pageToken === '' || body.flags.length === 0) break;
  }
  if (total !== undefined && total !== byKey.size) {
    throw new FliptReadError(
      `namespace "${read.namespace}": flag list changed while paging (read ${byKey.size}, Flipt reports ${total}); try again`,
    );
  }
  const flags: FliptFlag[] = [];
  const skipped: { key: string; reason: string }[] = [];
  for (const decoded of byKey.values()) {
    if (decoded.ok) flags.push(decoded.flag);
    else skipped.push({ key: decoded.key, reason: decoded.reason });
  }
  return { flags, skipped };
}

/**
 * Fails unless Flipt holds the namespace (`GET /api/v1/namespaces/{key}`: 200 with it, 404 without). Its flag list
 * cannot tell: Flipt with SQL storage answers an unknown namespace's list (and its evaluation snapshot) with no flags,
 * which would read as "every flag left this environment". Asked after the list is read, so a namespace removed
 * while it was read fails the read too.
 */
export async function confirmNamespace(read: NamespaceRead, http: SourceHttp, signal: AbortSignal): Promise<void> {
  const base = read.baseUrl.replace(/\/+$/, '');
  const url = new URL(`${base}/api/v1/namespaces/${encodeURIComponent(read.namespace)}`);
  const shown = `${url.origin}${url.pathname}`;
  const found = await http.getJsonIfFound(url, FliptNamespaceCodec, {
    signal,
    headers: fliptHeaders(read.token),
    what: `Flipt GET ${shown} response`,
    hints: AUTH_HINTS,
  });
  if (found === undefined) {
    // Flipt v2 keeps only the flag list under /api/v1: every namespace reads as missing there.
    const major = await majorVersion(base, read.token, http, signal);
    if (major !== undefined && major >= 2) {
      throw new FliptReadError(
        `Flipt ${major} answers no namespace through /api/v1 (GET ${shown} answered 404): this adapter reads Flipt 1.x's API; Flipt 2 is not supported yet`,
        404,
      );
    }
    throw new FliptReadError(
      `namespace "${read.namespace}" does not exist in Flipt (GET ${shown} answered 404); check the environment's namespace (it defaults to the environment's name)`,
      404,
    );
  }
}

/** Flipt's major version from `GET /meta/info` (`"v2.1.0"` or `"1.58.0"`), or undefined when it cannot be told. */
async function majorVersion(base: string, token: string | undefined, http: SourceHttp, signal: AbortSignal): Promise<number | undefined> {
  try {
    const info = await http.getJson(new URL(`${base}/meta/info`), FliptInfoCodec, {
      signal,
      headers: fliptHeaders(token),
      timeoutMs: 5_000,
    });
    const match = typeof info.version === 'string' ? /^v?(\d+)\./.exec(info.version) : null;
    return match === null ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}
