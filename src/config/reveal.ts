/**
 * Decides whether a problem line may echo the offending value. It may not when the value came from a secret
 * reference, sits under a key whose name looks secret, is not a plain scalar (it could hold a secret deeper down),
 * or contains any resolved secret (a reference embedded in a longer string).
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

export type ValuePolicy = (path: string, value: unknown) => boolean;

export function valuePolicy(secretPaths: ReadonlySet<string>, secretValues: readonly string[]): ValuePolicy {
  return (path, value) => {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return false;
    if (looksSecret(path)) return false;
    for (const secretPath of secretPaths) if (isAtOrUnder(path, secretPath)) return false;
    const text = String(value);
    return !secretValues.some((secret) => secret !== '' && text.includes(secret));
  };
}

/** `"value"` when the policy allows it, otherwise a neutral word, for problem lines written by hand. */
export function shown(policy: ValuePolicy, path: string, value: unknown): string {
  return policy(path, value) ? JSON.stringify(value) : '(value hidden)';
}
