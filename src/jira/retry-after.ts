/**
 * Retry-After as milliseconds to wait: either delta-seconds ("120") or an HTTP date. Undefined when absent or
 * unreadable, so the caller falls back to its own backoff. A date in the past means "now" (0).
 */
export function parseRetryAfter(value: unknown, now: number): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (typeof text !== 'string' && typeof text !== 'number') return undefined;
  const trimmed = String(text).trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  // Only an actual date string: Date.parse accepts odd inputs like "1" that are not HTTP dates.
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/**
 * X-RateLimit-Reset as milliseconds to wait: the ISO-8601 time the rate-limit window resets (devinfo documents it on
 * 429s, Atlassian's guidance names it beside Retry-After). Only a date: a bare number could be seconds or an epoch.
 */
export function parseRateLimitReset(value: unknown, now: number): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (typeof text !== 'string' || !/[a-z]/i.test(text)) return undefined;
  return parseRetryAfter(text, now);
}

/** Full-jitter exponential backoff: uniform in [0, min(cap, base * 2^(retry-1))]. */
export function backoffDelay(retry: number, baseMs: number, capMs: number, random: () => number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}
