import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { registerSecret } from '../log';

/**
 * Resolves `${env:NAME}` and `${file:PATH}` references in every string of the parsed YAML tree. A reference may be
 * the whole value or part of it (`https://${env:HOST}/api`); `$${` writes a literal `${`. Every resolved value but
 * the OAuth client id (an identifier errors must name) and names (NAME_KEYS) is registered with the logger's
 * redaction, as are credentials written into any URL, and the paths that held a reference are recorded so problem
 * lines never print them.
 */
export interface ResolveContext {
  /** Folder of the config file: relative `file:` paths resolve against it. */
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
}

export interface Resolved {
  readonly value: unknown;
  /** Paths (as problem lines write them: `providers[1].adminToken`) whose value came from a reference. */
  readonly secretPaths: ReadonlySet<string>;
  /** The resolved values, to make sure none is ever echoed. */
  readonly secretValues: readonly string[];
  /** Paths whose reference could not be resolved; their own decode problems would only repeat this one. */
  readonly failedPaths: ReadonlySet<string>;
  readonly problems: readonly string[];
}

/** Paths whose referenced values are identifiers, not secrets: never registered for redaction. */
const IDENTIFIER_PATHS: ReadonlySet<string> = new Set(['jira.clientId']);

/**
 * Keys whose values name things the output is about (an environment, a project, the schedule): a reference there is
 * configuration, not a secret. Registered, `environments[0].name: ${env:PROD_ENV}` turned every plan line into
 * "[REDACTED]: on", and a short value such as `prod` was masked inside other words ("[REDACTED]uction").
 */
const NAME_KEYS: ReadonlySet<string> = new Set([
  'name',
  'type',
  'environment',
  'environmentName',
  'site',
  'cloudId',
  'project',
  'projectKey',
  'namespace',
  'schedule',
  'id',
  'preset',
  'adapter',
  'logLevel',
]);

/** Whether a referenced value at `at` is a secret to redact: anything but an identifier or a name. */
function isSecretPath(at: string): boolean {
  if (IDENTIFIER_PATHS.has(at)) return false;
  const key = /([A-Za-z0-9_$-]+)$/.exec(at)?.[1];
  return key === undefined || !NAME_KEYS.has(key);
}

/**
 * Credentials written into a URL in the config itself (`https://user:pass@host`, `https://TOKEN@host`): redacted
 * wherever the URL is quoted (a token request's error names its URL). A user alone is redacted too: a bare token is
 * often given as the user.
 */
export function registerUrlCredentials(text: string): void {
  const at = text.indexOf('@');
  if (at < 0 || !text.includes('://')) return;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return;
  }
  // A user alone is a token only over http(s): `ssh://git@host` names an account, which output may show.
  const http = url.protocol === 'http:' || url.protocol === 'https:';
  for (const part of [url.password, url.password === '' && http ? url.username : '']) {
    if (part === '') continue;
    registerSecret(part);
    try {
      const decoded = decodeURIComponent(part);
      if (decoded !== part) registerSecret(decoded);
    } catch {
      // Not percent-encoded text: the raw form is registered.
    }
  }
}

const REFERENCE = /\$\$\{|\$\{([^}]*)\}/g;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Never quotes the text: what follows an unclosed "${" may be a pasted secret.
const UNTERMINATED = '"${" without a closing "}"';

type Lookup = { ok: true; value: string } | { ok: false; problem: string };

async function lookUp(reference: string, ctx: ResolveContext): Promise<Lookup> {
  const colon = reference.indexOf(':');
  const kind = colon < 0 ? '' : reference.slice(0, colon);
  const target = reference.slice(colon + 1);
  if (kind === 'env') {
    if (!ENV_NAME.test(target)) return { ok: false, problem: `"\${env:${target}}" is not a valid environment variable name` };
    const value = ctx.env[target];
    return value === undefined ? { ok: false, problem: `environment variable ${target} is not set` } : { ok: true, value };
  }
  if (kind === 'file') {
    if (target.trim() === '') return { ok: false, problem: '"${file:}" needs a path' };
    const file = path.resolve(ctx.dir, target);
    try {
      // Secret files are usually written with a trailing newline (echo, Kubernetes secrets); it is not part of the secret.
      return { ok: true, value: (await readFile(file, 'utf8')).replace(/(\r?\n)+$/, '') };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      return { ok: false, problem: `cannot read secret file ${file} (${code})` };
    }
  }
  return { ok: false, problem: `unsupported reference "\${${reference}}"; use \${env:NAME} or \${file:PATH}` };
}

async function resolveString(text: string, ctx: ResolveContext): Promise<{ value: string; found: string[]; problems: string[] }> {
  const found: string[] = [];
  const problems: string[] = [];
  const parts: string[] = [];
  let last = 0;
  // Text between references that still holds "${" opened a reference it never closed: a typo, not a literal.
  const literal = (segment: string) => {
    if (segment.includes('${') && !problems.includes(UNTERMINATED)) problems.push(UNTERMINATED);
    parts.push(segment);
  };
  for (const match of text.matchAll(REFERENCE)) {
    literal(text.slice(last, match.index));
    last = match.index + match[0].length;
    if (match[1] === undefined) {
      parts.push('${');
      continue;
    }
    const result = await lookUp(match[1], ctx);
    if (result.ok) {
      found.push(result.value);
      parts.push(result.value);
    } else problems.push(result.problem);
  }
  literal(text.slice(last));
  return { value: parts.join(''), found, problems };
}

export async function resolveReferences(tree: unknown, ctx: ResolveContext): Promise<Resolved> {
  const secretPaths = new Set<string>();
  const failedPaths = new Set<string>();
  const secretValues: string[] = [];
  const problems: string[] = [];

  async function walk(node: unknown, at: string): Promise<unknown> {
    if (typeof node === 'string') {
      if (!node.includes('${')) {
        registerUrlCredentials(node);
        return node;
      }
      const { value, found, problems: own } = await resolveString(node, ctx);
      if (found.length > 0 || own.length > 0) secretPaths.add(at);
      registerUrlCredentials(value);
      // The OAuth client id and names are what output must show; every other reference is redacted.
      if (isSecretPath(at)) {
        for (const secret of found) {
          registerSecret(secret);
          secretValues.push(secret);
        }
      }
      if (own.length > 0) failedPaths.add(at);
      for (const problem of own) problems.push(`${at === '' ? '(root)' : at}: ${problem}`);
      return value;
    }
    if (Array.isArray(node)) {
      const out: unknown[] = [];
      for (const [i, item] of node.entries()) out.push(await walk(item, `${at}[${i}]`));
      return out;
    }
    if (typeof node === 'object' && node !== null) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(node)) out[key] = await walk(item, at === '' ? key : `${at}.${key}`);
      return out;
    }
    return node;
  }

  const value = await walk(tree, '');
  return { value, secretPaths, secretValues, failedPaths, problems };
}
