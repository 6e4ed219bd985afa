/**
 * Decides whether a problem line may echo the offending value. It may not when the value came from a secret
 * reference, sits under a key whose name looks secret, is not a plain scalar (it could hold a secret deeper down),
 * contains any resolved secret (a reference embedded in a longer string), or is a link carrying credentials.
 */
const SECRET_NAME =
  /(secrets?|tokens?|password|passwd|passphrase|sdk[_-]?key|api[_-]?key|private[_-]?key|credentials?|authorization|cookie)$|^headers$/i;

function segments(path: string): string[] {
  return path.split(/[.[\]]+/).filter((s) => s !== '');
}

export function looksSecret(path: string): boolean {
  return segments(path).some((s) => SECRET_NAME.test(s));
}

function isAtOrUnder(path: string, ancestor: string): boolean {
  return path === ancestor || path.startsWith(`${ancestor}.`) || path.startsWith(`${ancestor}[`);
}

/**
 * A link carrying credentials: a password in its user part (`postgres://app:pw@db/x`, even one the URL parser
 * refuses, `pa#ss` say), or a query parameter named like a secret (`?access_token=…`).
 */
const URL_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/?\s@]*:[^\s@]*@/i;
const SECRET_QUERY = /[?&][^=&#]*(token|key|secret|password|passwd|auth|signature|sig|credential)[^=&#]*=/i;

function carriesCredentials(text: string): boolean {
  return URL_PASSWORD.test(text) || (text.includes('://') && SECRET_QUERY.test(text));
}

export type ValuePolicy = (path: string, value: unknown) => boolean;

export function valuePolicy(secretPaths: ReadonlySet<string>, secretValues: readonly string[]): ValuePolicy {
  return (path, value) => {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return false;
    if (looksSecret(path)) return false;
    for (const secretPath of secretPaths) if (isAtOrUnder(path, secretPath)) return false;
    const text = String(value);
    if (carriesCredentials(text)) return false;
    return !secretValues.some((secret) => secret !== '' && text.includes(secret));
  };
}

/** `"value"` when the policy allows it, otherwise a neutral word, for problem lines written by hand. */
export function shown(policy: ValuePolicy, path: string, value: unknown): string {
  return policy(path, value) ? JSON.stringify(value) : '(value hidden)';
}
