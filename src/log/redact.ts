// The secret scrubbing apart from the logger (pino), for what prints before or without a logger: the CLI's errors.

/**
 * Values that must never be written anywhere: resolved secrets (filled by the config loader) and access tokens
 * (filled by the token provider). Each is kept in the forms it can take in output: as is, escaped inside a JSON
 * string (a log line, `--json`), and percent-encoded (a URL).
 */
const secrets = new Set<string>();
let longestFirst: readonly string[] = [];

const formsOf = (value: string): string[] => [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)];

export function registerSecret(value: string): void {
  // Very short values would redact innocent text everywhere; they are also not meaningful secrets.
  if (value.length < 4 || secrets.has(value)) return;
  for (const form of formsOf(value)) secrets.add(form);
  longestFirst = [...secrets].sort((a, b) => b.length - a.length);
}

/** Short-lived secrets (access tokens), newest last; only the newest are kept, so a daemon's list stays bounded. */
const shortLived: string[] = [];
/** Far more than are ever in use at once: a token lives 15 minutes and each run (or refresh) fetches one. */
export const SHORT_LIVED_KEPT = 32;

/**
 * Registers a secret that expires (an access token). The oldest beyond SHORT_LIVED_KEPT is forgotten: it expired
 * long ago, and every secret kept is scanned for in every line written, for as long as the process runs.
 */
export function registerShortLivedSecret(value: string): void {
  if (value.length < 4 || secrets.has(value)) return;
  registerSecret(value);
  shortLived.push(value);
  while (shortLived.length > SHORT_LIVED_KEPT) {
    for (const form of formsOf(shortLived.shift()!)) secrets.delete(form);
    longestFirst = [...secrets].sort((a, b) => b.length - a.length);
  }
}

/** Replaces every registered secret in `text`; longer forms first, so a secret inside another leaves no tail. */
export function redact(text: string): string {
  let out = text;
  for (const s of longestFirst) if (out.includes(s)) out = out.split(s).join('[REDACTED]');
  return out;
}
