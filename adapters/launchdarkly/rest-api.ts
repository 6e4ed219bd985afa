import { decodeItem, decodeOrThrow, type SourceHttp } from '../../src/kit';
import { KeyedItemCodec, RestFlagCodec, RestFlagsPageCodec, type RestFlag, type RestFlagsPage } from './codecs';
import { ALL_PROBLEMS } from './flag-entries';

/**
 * Flag metadata from LaunchDarkly's REST API (`GET /api/v2/flags/{projectKey}`): name, description, tags,
 * maintainer, custom properties and per-environment change times, none of which the SDK data carries.
 * Follows `_links.next`. Requests go through the core's HTTP, which waits out LaunchDarkly's rate limits (429 with
 * Retry-After, a used-up route limit until X-Ratelimit-Reset) within `maxRateLimitWaitSeconds`; nothing is retried here.
 */
export interface RestApiSettings {
  readonly baseUrl: string;
  readonly token: string;
  readonly projectKey: string;
  /** LaunchDarkly environment keys to include (`env` filter). */
  readonly environmentKeys: readonly string[];
  readonly pageSize: number;
  readonly maxRateLimitWaitSeconds: number;
  readonly requestTimeoutMs?: number;
}

const MAX_PAGES = 10_000;

function firstPageUrl(settings: RestApiSettings): string {
  const url = new URL(`/api/v2/flags/${encodeURIComponent(settings.projectKey)}`, settings.baseUrl);
  url.searchParams.set('limit', String(settings.pageSize));
  url.searchParams.set('summary', 'true');
  for (const env of settings.environmentKeys) url.searchParams.append('env', env);
  return url.toString();
}

/** Strips the query so errors stay short; the URL never carries the token (it travels in Authorization). */
function describe(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

/** Told about a flag whose metadata failed its codec; that flag simply gets none. */
export type UnusableMetadata = (key: string, reason: string) => void;

/**
 * Each page is decoded strictly, each item on its own: an item without a readable key rejects (we could not say
 * which flag lost its metadata), an item that fails otherwise is reported and left out.
 */
function addPageItems(
  items: readonly unknown[],
  flags: Map<string, RestFlag>,
  keysRead: Set<string>,
  what: string,
  onUnusable: UnusableMetadata,
): void {
  items.forEach((item, index) => {
    const { key } = decodeOrThrow(KeyedItemCodec, item, what, { prefix: `items[${index}]` });
    keysRead.add(key);
    const decoded = decodeItem(RestFlagCodec, item, { maxProblems: ALL_PROBLEMS });
    if (decoded.ok) flags.set(key, decoded.value);
    else onUnusable(key, decoded.reason);
  });
}

export async function fetchFlagMetadata(
  settings: RestApiSettings,
  http: SourceHttp,
  signal: AbortSignal,
  onUnusable: UnusableMetadata = () => {},
): Promise<Map<string, RestFlag>> {
  const flags = new Map<string, RestFlag>();
  // Offset paging over a list that changes in between skips or repeats flags; totalCount is how we notice.
  const keysRead = new Set<string>();
  let totalCount: number | undefined;
  const listChanged = (url: string, detail: string) =>
    new Error(`LaunchDarkly REST API ${describe(url)}: flag list changed while paging (${detail})`);
  const seen = new Set<string>();
  const first = firstPageUrl(settings);
  let url: string | undefined = first;
  while (url !== undefined) {
    if (seen.size >= MAX_PAGES || seen.has(url))
      throw new Error(`LaunchDarkly REST API ${describe(url)}: paging does not end (next link repeats)`);
    const what = `LaunchDarkly REST API ${describe(url)} response`;
    const page: RestFlagsPage = await http.getJson(url, RestFlagsPageCodec, {
      signal,
      headers: { Authorization: settings.token },
      sourceName: 'LaunchDarkly REST API',
      what,
      hints: { 401: 'API access token rejected', 403: 'API access token rejected' },
      maxRateLimitWaitMs: settings.maxRateLimitWaitSeconds * 1000,
      ...(settings.requestTimeoutMs !== undefined && { timeoutMs: settings.requestTimeoutMs }),
    });
    seen.add(url);
    if (typeof page.totalCount === 'number') {
      if (totalCount !== undefined && page.totalCount !== totalCount)
        throw listChanged(url, `totalCount went from ${totalCount} to ${page.totalCount}`);
      totalCount = page.totalCount;
    }
    addPageItems(page.items, flags, keysRead, what, onUnusable);
    const next: string | undefined | null = page._links?.next?.href;
    url = next && page.items.length > 0 ? new URL(next, settings.baseUrl).toString() : undefined;
  }
  if (totalCount !== undefined && keysRead.size !== totalCount)
    throw listChanged(first, `totalCount ${totalCount}, ${keysRead.size} distinct flags read`);
  return flags;
}
