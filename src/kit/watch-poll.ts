import { createHash } from 'node:crypto';
import { MAX_TIMER_MS, withTimeout } from './deadline';
import type { Logger } from './logger';

/**
 * Helpers for a `watch` that polls (see `SourceAdapter.watch`): a `setTimeout` chain that asks the source for its
 * current version (an ETag, the newest event id, a digest) and announces a change only when the version moved.
 */

/** What one poll found: nothing new (a 304), or the source's current version. */
export type PolledVersion = { readonly unchanged: true } | { readonly version: string };

export interface PollForChangesOptions {
  readonly intervalMs: number;
  readonly signal: AbortSignal;
  readonly onChange: () => void;
  readonly logger: Logger;
  /** Names the source in log lines (a label or URL without credentials). */
  readonly what: string;
  /** One poll; `previous` is the last version seen (e.g. for If-None-Match), undefined on the first. */
  poll(signal: AbortSignal, previous: string | undefined): Promise<PolledVersion>;
  /**
   * How long one poll may take (default: the interval, at least 30 s). One that takes longer is aborted and counts as
   * failed: the next poll is scheduled only after the last settles, so one that hung would end the watch silently.
   */
  readonly pollTimeoutMs?: number;
}

const DEFAULT_POLL_TIMEOUT_MS = 30_000;

/** At most this many intervals between polls while the source keeps failing (as the Unleash client backs off). */
const MAX_BACKOFF = 10;

/**
 * Polls until `signal` aborts. Resolves once the first poll has set the baseline (a change after that is announced).
 * A failed poll is logged and announces nothing; polls back off as interval × (1 + failures), at most 10 intervals.
 * After a first poll that failed, the first successful one announces (the source may have changed meanwhile).
 */
export async function pollForChanges(options: PollForChangesOptions): Promise<void> {
  const { signal, logger } = options;
  let version: string | undefined;
  let failures = 0;
  let pollsFailedBefore = false;
  let timer: NodeJS.Timeout | undefined;
  signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  const pollTimeoutMs = options.pollTimeoutMs ?? Math.max(DEFAULT_POLL_TIMEOUT_MS, options.intervalMs);

  const pollOnce = async (): Promise<void> => {
    try {
      const result = await withTimeout((pollSignal) => options.poll(pollSignal, version), pollTimeoutMs, signal);
      failures = 0;
      if ('version' in result && result.version !== version) {
        const announce = version !== undefined || pollsFailedBefore;
        version = result.version;
        if (announce) options.onChange();
      }
    } catch (error) {
      if (signal.aborted) return;
      failures++;
      pollsFailedBefore = true;
      logger.warn({ source: options.what, err: error, failures }, 'watch: checking the source for changes failed; trying again');
    }
  };
  const schedule = (): void => {
    if (signal.aborted) return;
    // At most what a timer holds: a longer delay would fire at once, polling a failing source back to back.
    timer = setTimeout(
      () => void pollOnce().then(schedule),
      Math.min(options.intervalMs * Math.min(1 + failures, MAX_BACKOFF), MAX_TIMER_MS),
    );
    timer.unref();
  };
  await pollOnce();
  schedule();
}

export interface ConditionalGetOptions {
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

const ETAG = 'etag:';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function ifNoneMatchOf(headers: Record<string, string>): Record<string, string> {
  const value = headers['If-None-Match'];
  return value === undefined ? {} : { 'If-None-Match': value };
}
const MAX_REDIRECTS = 5;

/**
 * GET, following redirects as the source's reads do (http → https, a trailing slash, a raw-file host): with the
 * configured headers on the same origin, without them on another (a token is meant for the configured origin).
 */
async function fetchFollowing(url: string, configured: Record<string, string>, signal: AbortSignal): Promise<Response> {
  let target = new URL(url);
  let headers = configured;
  for (let hop = 0; ; hop++) {
    const response = await fetch(target, { headers, signal, redirect: 'manual' });
    const location = REDIRECTS.has(response.status) ? response.headers.get('location') : null;
    if (location === null) return response;
    await response.body?.cancel();
    if (hop >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
    const next = new URL(location, target);
    // The conditional header is no credential: it goes on, so an unchanged source still answers 304.
    if (next.origin !== target.origin) headers = ifNoneMatchOf(headers);
    target = next;
  }
}

/**
 * One conditional GET for `pollForChanges`: sends If-None-Match with the last ETag; a 304 is `unchanged`. The version
 * is the answer's ETag, or the SHA-256 of its body when the server sends none. A status other than 2xx/304 rejects,
 * naming `label` (never the URL's credentials or query, never header values).
 */
export async function conditionalGetVersion(
  url: string,
  label: string,
  previous: string | undefined,
  signal: AbortSignal,
  options: ConditionalGetOptions = {},
): Promise<PolledVersion> {
  const headers: Record<string, string> = { ...options.headers };
  if (previous?.startsWith(ETAG) === true) headers['If-None-Match'] = previous.slice(ETAG.length);
  let response: Response;
  try {
    response = await fetchFollowing(url, headers, AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs ?? 30_000)]));
  } catch (error) {
    const cause =
      error instanceof Error
        ? error.cause instanceof Error
          ? error.cause.message
          : error.name === 'Error'
            ? error.message
            : error.name
        : String(error);
    throw new Error(`GET ${label} failed (${cause})`, { cause: error });
  }
  if (response.status === 304) {
    await response.body?.cancel();
    return { unchanged: true };
  }
  if (response.status < 200 || response.status > 299) {
    await response.body?.cancel();
    throw new Error(`GET ${label} answered HTTP ${response.status}`);
  }
  const etag = response.headers.get('etag');
  if (etag !== null && etag !== '') {
    await response.body?.cancel();
    return { version: `${ETAG}${etag}` };
  }
  // Hashed as it arrives: a namespace or environment of 100k flags is tens of MB the version never needs whole.
  const hash = createHash('sha256');
  if (response.body !== null) for await (const chunk of response.body) hash.update(chunk);
  return { version: `sha256:${hash.digest('base64url')}` };
}
