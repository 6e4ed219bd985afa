import type * as t from 'io-ts';
import { decodeOrThrow } from './decode';

/**
 * The HTTP GETs an adapter reads its source with (`context.http`). One place for what every adapter needs and none
 * should write again: one error type naming the URL (never its query or credentials) and the status, with a hint
 * for 401/403/404; abort and a per-request timeout; and rate limits. A 429 is waited out once, for as long as
 * Retry-After (or X-Ratelimit-Reset) says, within a cap; a response saying the limit is used up makes the next
 * request to that host wait for the reset. Nothing else is retried: a failed read fails the snapshot, and the core
 * decides when to read again.
 */
export type HttpFailure = 'status' | 'network' | 'aborted' | 'timeout' | 'body' | 'rate-limited';

export class SourceHttpError extends Error {
  constructor(
    /** Origin and path of the request: safe to print. */
    readonly url: string,
    readonly reason: HttpFailure,
    message: string,
    /** The HTTP status, when the source answered. */
    readonly status?: number,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'SourceHttpError';
  }
}

export interface HttpGetOptions {
  /** Aborts the request (and any rate-limit wait); pass the snapshot's signal. */
  readonly signal: AbortSignal;
  readonly headers?: Readonly<Record<string, string>>;
  /** The system read, for messages: "cannot reach Unleash at <url>" (default: the URL alone). */
  readonly sourceName?: string;
  /** Names the response in decoding errors (default "GET <url> response"). */
  readonly what?: string;
  /** Replaces the default hint after a status, e.g. { 404: 'no such namespace' }. */
  readonly hints?: Readonly<Record<number, string>>;
  /** Gives up on one request after this long (default 30 s). */
  readonly timeoutMs?: number;
  /** The longest rate-limit wait accepted (default 60 s); a longer one fails the request. */
  readonly maxRateLimitWaitMs?: number;
}

export interface TextResponse {
  readonly status: number;
  readonly text: string;
  /** A response header by (case-insensitive) name. */
  header(name: string): string | undefined;
}

export interface SourceHttp {
  /** GET, expect 2xx JSON, decode it with `codec`; anything else rejects with SourceHttpError or DecodeError. */
  getJson<A>(url: string | URL, codec: t.Decoder<unknown, A>, options: HttpGetOptions): Promise<A>;
  /** As getJson, but a 404 resolves with undefined (a thing deleted between listing and reading it). */
  getJsonIfFound<A>(url: string | URL, codec: t.Decoder<unknown, A>, options: HttpGetOptions): Promise<A | undefined>;
  /** GET, expect 2xx, the body as text (for formats other than JSON, or to read headers such as Last-Modified). */
  getText(url: string | URL, options: HttpGetOptions): Promise<TextResponse>;
}

export interface Clock {
  now(): number;
  /** Resolves after `ms`, rejects at once when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(new Error('aborted'));
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    }),
};

export interface SourceHttpSettings {
  readonly clock?: Clock;
  readonly timeoutMs?: number;
  readonly maxRateLimitWaitMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_RATE_LIMIT_WAIT_MS = 60_000;
/** A 429 without Retry-After or a reset time: a short pause, then one more try. */
const UNSAID_RATE_LIMIT_WAIT_MS = 1_000;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

const DEFAULT_HINTS: Readonly<Record<number, string>> = {
  401: 'the credentials are missing, wrong or expired',
  403: 'the credentials lack permission',
  404: 'not found',
};

/** Origin and path: the query may carry filters worth little in a message, and credentials never belong in one. */
export function safeUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

function headerOf(headers: Headers): (name: string) => string | undefined {
  return (name) => headers.get(name) ?? undefined;
}

/** Milliseconds to wait from Retry-After (seconds or an HTTP date) or X-Ratelimit-Reset (epoch ms). */
export function rateLimitWaitMs(header: (name: string) => string | undefined, now: number): number | undefined {
  const retryAfter = header('retry-after');
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (retryAfter.trim() !== '' && Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const reset = Number(header('x-ratelimit-reset'));
  if (header('x-ratelimit-reset') !== undefined && Number.isFinite(reset)) return Math.max(0, reset - now);
  return undefined;
}

const LIMIT_LEFT_HEADERS = ['x-ratelimit-remaining', 'x-ratelimit-route-remaining', 'x-ratelimit-global-remaining'];
const limitUsedUp = (header: (name: string) => string | undefined) => LIMIT_LEFT_HEADERS.some((h) => header(h) === '0');

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

export function createSourceHttp(settings: SourceHttpSettings = {}): SourceHttp {
  const clock = settings.clock ?? realClock;
  /** Per origin, the time before which no request goes out (a used-up rate limit). */
  const notBefore = new Map<string, number>();

  async function waitFor(ms: number, url: URL, why: string, options: HttpGetOptions, status?: number): Promise<void> {
    const max = options.maxRateLimitWaitMs ?? settings.maxRateLimitWaitMs ?? DEFAULT_MAX_RATE_LIMIT_WAIT_MS;
    if (ms > max) {
      throw new SourceHttpError(
        safeUrl(url),
        'rate-limited',
        `GET ${safeUrl(url)}: ${why}; it resets in ${Math.ceil(ms / 1000)} s, more than the ${Math.round(max / 1000)} s allowed`,
        status,
      );
    }
    try {
      await clock.sleep(ms, options.signal);
    } catch (error) {
      throw new SourceHttpError(safeUrl(url), 'aborted', `GET ${safeUrl(url)} aborted`, undefined, error);
    }
  }

  /**
   * A response's body is read after fetchOnce returns: its abort and time limit stay on until `release` (the body read
   * or cancelled), or a server that sends headers and then stalls would hold the read past both.
   */
  const inFlight = new WeakMap<Response, { readonly release: () => void; readonly timedOut: () => boolean; readonly timeoutMs: number }>();
  const release = (response: Response): void => inFlight.get(response)?.release();
  async function cancel(response: Response): Promise<void> {
    try {
      await response.body?.cancel();
    } finally {
      release(response);
    }
  }

  async function fetchOnce(url: URL, options: HttpGetOptions, accept: string): Promise<Response> {
    const shown = safeUrl(url);
    const timeoutMs = options.timeoutMs ?? settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const controller = new AbortController();
    let timedOut = false;
    const onAbort = () => controller.abort(options.signal.reason);
    if (options.signal.aborted) throw new SourceHttpError(shown, 'aborted', `GET ${shown} aborted`);
    options.signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error('timed out'));
    }, timeoutMs);
    // Never what keeps a process alive; a response whose body is never read still ends at its time limit.
    timer.unref();
    const done = (): void => {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
    };
    let handedOver = false;
    try {
      // Redirects are followed here, not by fetch: configured headers (a token, an API key) are meant for the
      // configured origin only, so a redirect to another origin goes on without them (fetch drops only
      // Authorization and Cookie).
      let target = url;
      let headers: Record<string, string> = { Accept: accept, ...options.headers };
      for (let hop = 0; ; hop++) {
        const response = await fetch(target, { headers, signal: controller.signal, redirect: 'manual' });
        const location = REDIRECTS.has(response.status) ? response.headers.get('location') : null;
        if (location === null) {
          inFlight.set(response, { release: done, timedOut: () => timedOut, timeoutMs });
          handedOver = true;
          return response;
        }
        await response.body?.cancel();
        if (hop >= MAX_REDIRECTS) throw new SourceHttpError(shown, 'network', `GET ${shown}: more than ${MAX_REDIRECTS} redirects`);
        const next = new URL(location, target);
        if (next.origin !== target.origin) headers = { Accept: accept };
        target = next;
      }
    } catch (error) {
      if (error instanceof SourceHttpError) throw error;
      if (timedOut) throw new SourceHttpError(shown, 'timeout', `GET ${shown} timed out after ${timeoutMs} ms`, undefined, error);
      if (options.signal.aborted) throw new SourceHttpError(shown, 'aborted', `GET ${shown} aborted`, undefined, error);
      const where = options.sourceName !== undefined ? `${options.sourceName} at ${shown}` : shown;
      throw new SourceHttpError(shown, 'network', `cannot reach ${where}: ${networkReason(error)}`, undefined, error);
    } finally {
      if (!handedOver) done();
    }
  }

  /** One GET, with the rate-limit waits; resolves with any status the caller did not refuse. */
  async function get(url: URL, options: HttpGetOptions, accept: string, found: (status: number) => boolean): Promise<Response> {
    const shown = safeUrl(url);
    const blockedUntil = notBefore.get(url.origin);
    if (blockedUntil !== undefined) {
      notBefore.delete(url.origin);
      const wait = blockedUntil - clock.now();
      if (wait > 0) await waitFor(wait, url, 'rate limit used up', options);
    }
    let response = await fetchOnce(url, options, accept);
    if (response.status === 429) {
      await cancel(response);
      // Waiting out an announced limit is not a retry of a failure; a second 429 for the same request fails it.
      await waitFor(
        rateLimitWaitMs(headerOf(response.headers), clock.now()) ?? UNSAID_RATE_LIMIT_WAIT_MS,
        url,
        'rate limited (429)',
        options,
        429,
      );
      response = await fetchOnce(url, options, accept);
    }
    if (!response.ok && !found(response.status)) {
      await cancel(response);
      const hint = options.hints?.[response.status] ?? DEFAULT_HINTS[response.status];
      const text = `GET ${shown} answered ${response.status}${hint !== undefined ? ` (${hint})` : ''}`;
      throw new SourceHttpError(shown, 'status', text, response.status);
    }
    const header = headerOf(response.headers);
    if (limitUsedUp(header)) {
      const wait = rateLimitWaitMs(header, clock.now());
      if (wait !== undefined) notBefore.set(url.origin, clock.now() + wait);
    }
    return response;
  }

  async function bodyText(response: Response, url: URL, options: HttpGetOptions): Promise<string> {
    const limits = inFlight.get(response);
    try {
      return await response.text();
    } catch (error) {
      const shown = safeUrl(url);
      if (limits?.timedOut() === true)
        throw new SourceHttpError(shown, 'timeout', `GET ${shown} timed out after ${limits.timeoutMs} ms`, response.status, error);
      if (options.signal.aborted) throw new SourceHttpError(shown, 'aborted', `GET ${shown} aborted`, undefined, error);
      throw new SourceHttpError(
        shown,
        'body',
        `GET ${shown} answered ${response.status} but its body could not be read`,
        response.status,
        error,
      );
    } finally {
      release(response);
    }
  }

  async function json<A>(response: Response, url: URL, codec: t.Decoder<unknown, A>, options: HttpGetOptions): Promise<A> {
    const text = await bodyText(response, url, options);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      const shown = safeUrl(url);
      throw new SourceHttpError(
        shown,
        'body',
        `GET ${shown} answered ${response.status} with a body that is not JSON`,
        response.status,
        error,
      );
    }
    return decodeOrThrow(codec, body, options.what ?? `GET ${safeUrl(url)} response`);
  }

  const JSON_ACCEPT = 'application/json';
  return {
    async getJson(url, codec, options) {
      const u = new URL(url);
      return json(await get(u, options, JSON_ACCEPT, () => false), u, codec, options);
    },
    async getJsonIfFound(url, codec, options) {
      const u = new URL(url);
      const response = await get(u, options, JSON_ACCEPT, (status) => status === 404);
      if (response.status === 404) {
        await cancel(response);
        return undefined;
      }
      return json(response, u, codec, options);
    },
    async getText(url, options) {
      const u = new URL(url);
      const response = await get(u, options, options.headers?.['Accept'] ?? '*/*', () => false);
      const text = await bodyText(response, u, options);
      return { status: response.status, text, header: headerOf(response.headers) };
    },
  };
}
