import { looksSecret } from './reveal';

/**
 * Paths of secret-looking keys (clientSecret, adminToken, sdkKey, …) whose value is written in the file itself
 * rather than referenced: a config file ends up in repositories, images and support tickets. Never the value.
 */
export function literalSecretWarnings(tree: unknown, referencedPaths: ReadonlySet<string>): string[] {
  return literalSecrets(tree, referencedPaths).map(({ path, inUrl }) =>
    inUrl
      ? `${path}: a URL with credentials written in the config file itself; keep them out of the file with \${env:NAME}`
      : `${path}: a secret written in the config file itself; keep it out of the file with \${env:NAME} or \${file:PATH}`,
  );
}

/**
 * The secrets written in the file itself, for redaction: warned about, they must still never be printed (a token
 * endpoint or a source's error that echoes one).
 */
export function literalSecretValues(tree: unknown, referencedPaths: ReadonlySet<string>): string[] {
  return literalSecrets(tree, referencedPaths).flatMap(({ value, inUrl }) => (inUrl ? [] : [value]));
}

function literalSecrets(tree: unknown, referencedPaths: ReadonlySet<string>): { path: string; value: string; inUrl: boolean }[] {
  const found: { path: string; value: string; inUrl: boolean }[] = [];
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, `${path}[${i}]`));
      return;
    }
    if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) walk(child, path === '' ? key : `${path}.${key}`);
      return;
    }
    if (typeof value !== 'string' || value === '' || referencedPaths.has(path)) return;
    if (looksSecret(path)) found.push({ path, value, inUrl: false });
    else if (hasUrlCredentials(value)) found.push({ path, value, inUrl: true });
  };
  walk(tree, '');
  return found;
}

/**
 * A password in a URL (`scheme://user:password@…`), or over http(s) a user alone (a token given as the user). An ssh
 * remote's `git@` names an account, not a secret. Never the value itself in a warning.
 */
function hasUrlCredentials(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/?#@\s:]*:[^/?#@\s]+@/i.test(value) || /^https?:\/\/[^/?#@\s]+@/i.test(value);
}
