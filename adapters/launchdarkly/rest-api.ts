import axios, { type AxiosResponse } from 'axios';
import { decodeItem, decodeOrThrow } from '../../src/kit';
import { KeyedItemCodec, RestFlagCodec, RestFlagsPageCodec, type RestFlag, type RestFlagsPage } from './codecs';
import { ALL_PROBLEMS } from './flag-entries';

/**
 * Flag metadata from LaunchDarkly's REST API (`GET /api/v2/flags/{projectKey}`): name, description, tags,
 * maintainer, custom properties and per-environment change times, none of which the SDK data carries.
 * Follows `_links.next` and keeps within the rate limit LaunchDarkly announces in its headers.
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

export interface Clock {
  now(): number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      const done = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const timer = setTimeout(done, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(new Error('aborted'));
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    }),
};

const MAX_PAGES = 10_000;

function firstPageUrl(settings: RestApiSettings): string {
  const url = new URL(`/api/v2/flags/${encodeURIComponent(settings.projectKey)}`, settings.baseUrl);
  url.searchParams.set('limit', String(settings.pageSize));
  url.searchParams.set('summary', 'true');
  for (const env of settings.environmentKeys) url.searchParams.append('env', env);
  return url.toString();
}

function header(response: AxiosResponse, name: string): string | undefined {
  const value: unknown = response.headers[name.toLowerCase()];
  return typeof value === 'string' ? value : undefined;
}

/** Milliseconds to wait before the next request, from Retry-After (seconds) or X-Ratelimit-Reset (epoch ms). */
export function rateLimitWaitMs(response: AxiosResponse, now: number): number | undefined {
  const retryAfter = Number(header(response, 'retry-after'));
  if (header(response, 'retry-after') !== undefined && Number.isFinite(retryAfter)) return Math.max(0, retryAfter * 1000);
  const reset = Number(header(response, 'x-ratelimit-reset'));
  if (header(response, 'x-ratelimit-reset') !== undefined && Number.isFinite(reset)) return Math.max(0, reset - now);
  return undefined;
}

function limitExhausted(response: AxiosResponse): boolean {
  return ['x-ratelimit-route-remaining', 'x-ratelimit-global-remaining'].some((h) => header(response, h) === '0');
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
  signal: AbortSignal,
  clock: Clock = realClock,
  onUnusable: UnusableMetadata = () => {},
): Promise<Map<string, RestFlag>> {
  const maxWaitMs = settings.maxRateLimitWaitSeconds * 1000;
  const waitOrFail = async (ms: number | undefined, url: string, why: string) => {
    const wait = ms ?? maxWaitMs;
    if (wait > maxWaitMs) {
      throw new Error(
        `LaunchDarkly REST API ${describe(url)}: ${why}; it resets in ${Math.ceil(wait / 1000)} s, more than the ${settings.maxRateLimitWaitSeconds} s allowed`,
      );
    }
    await clock.sleep(wait, signal);
  };
  const flags = new Map<string, RestFlag>();
  // Offset paging over a list that changes in between skips or repeats flags; totalCount is how we notice.
  const keysRead = new Set<string>();
  let totalCount: number | undefined;
  const listChanged = (url: string, detail: string) =>
    new Error(`LaunchDarkly REST API ${describe(url)}: flag list changed while paging (${detail})`);
  const seen = new Set<string>();
  const first = firstPageUrl(settings);
  let url: string | undefined = first;
  let waitedForThisPage = false;
  while (url !== undefined) {
    if (seen.size >= MAX_PAGES || seen.has(url))
      throw new Error(`LaunchDarkly REST API ${describe(url)}: paging does not end (next link repeats)`);
    const response: AxiosResponse<unknown> = await axios.get<unknown>(url, {
      headers: { Authorization: settings.token, Accept: 'application/json' },
      validateStatus: () => true,
      timeout: settings.requestTimeoutMs ?? 30_000,
      signal,
    });
    if (response.status === 429 && !waitedForThisPage) {
      // Waiting out an announced limit is not a retry of a failure; a second 429 for the same page fails the run.
      waitedForThisPage = true;
      await waitOrFail(rateLimitWaitMs(response, clock.now()), url, 'rate limited (429)');
      continue;
    }
    if (response.status === 401 || response.status === 403) {
      throw new Error(`LaunchDarkly REST API ${describe(url)}: API access token rejected (${response.status})`);
    }
    if (response.status !== 200) throw new Error(`LaunchDarkly REST API ${describe(url)}: HTTP ${response.status}`);
    seen.add(url);
    waitedForThisPage = false;
    const what = `LaunchDarkly REST API ${describe(url)} response`;
    const page: RestFlagsPage = decodeOrThrow(RestFlagsPageCodec, response.data, what);
    if (typeof page.totalCount === 'number') {
      if (totalCount !== undefined && page.totalCount !== totalCount)
        throw listChanged(url, `totalCount went from ${totalCount} to ${page.totalCount}`);
      totalCount = page.totalCount;
    }
    addPageItems(page.items, flags, keysRead, what, onUnusable);
    const next: string | undefined | null = page._links?.next?.href;
    url = next && page.items.length > 0 ? new URL(next, settings.baseUrl).toString() : undefined;
    if (url !== undefined && limitExhausted(response)) {
      await waitOrFail(rateLimitWaitMs(response, clock.now()), url, 'rate limit used up');
    }
  }
  if (totalCount !== undefined && keysRead.size !== totalCount)
    throw listChanged(first, `totalCount ${totalCount}, ${keysRead.size} distinct flags read`);
  return flags;
}
