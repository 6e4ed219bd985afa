import { isIP } from 'node:net';
import * as t from 'io-ts';
import { leaf } from './annotations';
import { MAX_TIMER_MS } from '../kit/deadline';
import { isHttpUrl } from '../kit/option-codecs';

/** Leaf codecs of the config file. Their names complete "expected …" in problem lines, so they read as English. */

const HOST =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(?::\d{1,5})?$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const PROPERTY_KEY = /^(?!_)[^:]{1,255}$/;

const isString = (u: unknown): u is string => typeof u === 'string';

export const NonEmptyString = leaf('a non-empty string', (u): u is string => isString(u) && u.length > 0, {
  type: 'string',
  minLength: 1,
});

export const Bool = leaf('true or false', (u): u is boolean => typeof u === 'boolean', { type: 'boolean' });

export const HttpUrl = leaf('a URL', (u): u is string => isString(u) && isHttpUrl(u), {
  type: 'string',
  format: 'uri',
  pattern: '^https?://',
});

/** postgres:// or postgresql:// with a host; credentials, database and query (sslmode…) as node-postgres reads them. */
/** Percent-decoded, or undefined when the text holds a `%` that starts no escape (the driver could not read it). */
export function percentDecoded(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** A Unix socket's form: no host, the socket's folder in the query (`postgres://user:password@/db?host=/run/postgresql`). */
const SOCKET_URL = /^(postgres(?:ql)?:\/\/[^/?#]*@)(\/.*)?$/i;

/**
 * A PostgreSQL connection URL as a URL, with the socket folder when it names one (`?host=/path`, no host in the
 * authority: the WHATWG parser refuses credentials without a host, node-postgres takes them); undefined when it is
 * none.
 */
export function postgresUrl(text: string): { readonly url: URL; readonly socket?: string } | undefined {
  let url: URL;
  try {
    const socketForm = SOCKET_URL.exec(text);
    url = new URL(socketForm === null ? text : `${socketForm[1]}socket${socketForm[2] ?? ''}`);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') return undefined;
  if (![url.username, url.password, url.pathname].every((part) => percentDecoded(part) !== undefined)) return undefined;
  const folder = url.searchParams.get('host') ?? '';
  const socket = SOCKET_URL.test(text) || url.hostname === '' ? folder : undefined;
  if (socket !== undefined) return socket.startsWith('/') ? { url, socket } : undefined;
  return url.hostname.length > 0 ? { url } : undefined;
}

/**
 * The password a PostgreSQL URL carries, decoded (to keep it out of every log line): in its user part, else in its
 * query (`?password=`, which node-postgres also reads); undefined when it has none.
 */
export function postgresPassword(text: string): string | undefined {
  const url = postgresUrl(text)?.url;
  const password = url?.password ?? '';
  if (password !== '') return percentDecoded(password) ?? password;
  const inQuery = url?.searchParams.get('password') ?? '';
  return inQuery === '' ? undefined : inQuery;
}

export const PostgresUrl = leaf(
  'a PostgreSQL URL (postgres://user:password@host:5432/database, or postgres://user:password@/database?host=/socket/folder; in the user, password and database, % as %25, # as %23, @ as %40)',
  (u): u is string => isString(u) && postgresUrl(u) !== undefined,
  { type: 'string', pattern: '^postgres(ql)?://' },
);

/** The site `flagsync init` writes when it is not told one. */
export const INIT_PLACEHOLDER_SITE = 'your-site.atlassian.net';

/**
 * Left as `flagsync init` wrote it, the placeholder would pass for a host and fail every run on DNS after its retries:
 * it is refused here, where `validate` names it.
 */
/** A host name with a domain: a Jira Cloud site always has one, and `acme` alone is `acme.atlassian.net` mistyped. */
const SITE_HOST = new RegExp(HOST.source.replace(')*(?::', ')+(?::'));

export const SiteHost = leaf(
  "your Jira site's host name (acme.atlassian.net) or URL",
  (u): u is string => isString(u) && u !== INIT_PLACEHOLDER_SITE && (SITE_HOST.test(u) || isHttpUrl(u)),
  { type: 'string', minLength: 1, not: { const: INIT_PLACEHOLDER_SITE } },
);

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** An address to listen on: an IP address (0.0.0.0, ::, 127.0.0.1) or a host name this machine resolves. */
export const ListenHost = leaf(
  'an IP address (0.0.0.0, ::, 127.0.0.1) or a host name (localhost), without port or brackets',
  (u): u is string => isString(u) && (isIP(u) !== 0 || HOST_NAME.test(u)),
  { type: 'string', minLength: 1 },
);

export const CloudId = leaf('a UUID', (u): u is string => isString(u) && UUID.test(u), {
  type: 'string',
  pattern: UUID.source,
});

/** The daemon's schedule when the config names none (test/config/load.test.ts checks node-cron accepts it). */
export const DEFAULT_SCHEDULE = '*/5 * * * *';

/**
 * node-cron loads only for a schedule the config names: it was ~13 ms of every start, and most runs are
 * `run --once` (the daemon loads it anyway).
 */
function isValidCron(expression: string): boolean {
  if (expression === DEFAULT_SCHEDULE) return true;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (!(require('node-cron') as typeof import('node-cron')).validate(expression)) return false;
  // The daemon works out its slots (which run stands for which tick, /readyz's window) with cron-parser, which takes
  // less than node-cron ("sunday", "monday-friday", a wrapping range "22-2"): a schedule only one reads stopped the
  // daemon at its first tick. Both must read it.
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require('cron-parser') as typeof import('cron-parser')).CronExpressionParser.parse(expression);
  } catch {
    return false;
  }
  // Day of month AND day of week restricted: node-cron fires when both match, cron-parser (like Vixie cron) when either
  // does, so the daemon's slots would not be its ticks.
  const fields = expression.trim().split(/\s+/);
  const [dayOfMonth, , dayOfWeek] = fields.length === 6 ? fields.slice(3) : fields.slice(2);
  return !(dayOfMonth !== undefined && dayOfWeek !== undefined && isRestricted(dayOfMonth) && isRestricted(dayOfWeek));
}

const isRestricted = (field: string): boolean => field !== '*' && field !== '?';

export const CronExpression = leaf(
  'a cron expression, e.g. "*/5 * * * *" (day and month names of 3 letters, ranges that do not wrap, a day of month or a day of week but not both)',
  (u): u is string => isString(u) && isValidCron(u),
  { type: 'string', minLength: 1 },
);

export const Name = leaf("a name of 1 to 64 letters, digits, '_' or '-'", (u): u is string => isString(u) && NAME.test(u), {
  type: 'string',
  pattern: NAME.source,
});

export const JiraPropertyKey = leaf(
  "a property key without ':' that does not start with '_'",
  (u): u is string => isString(u) && PROPERTY_KEY.test(u),
  { type: 'string', pattern: PROPERTY_KEY.source },
);

export const JiraPropertyValue = leaf('a string of at most 255 characters', (u): u is string => isString(u) && u.length <= 255, {
  type: 'string',
  maxLength: 255,
});

export function integerRange(min: number, max: number): t.Type<number, number, unknown> {
  return leaf(
    `an integer from ${min} to ${max}`,
    (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= min && u <= max,
    { type: 'integer', minimum: min, maximum: max },
  );
}

export function numberRange(min: number, max: number): t.Type<number, number, unknown> {
  return leaf(`a number from ${min} to ${max}`, (u): u is number => typeof u === 'number' && Number.isFinite(u) && u >= min && u <= max, {
    type: 'number',
    minimum: min,
    maximum: max,
  });
}

/** What a Node.js timer holds: a longer timeout would fire at once, so every run would time out. */
const MAX_TIMER_SECONDS = Math.floor(MAX_TIMER_MS / 1000);

export const PositiveSeconds = leaf(
  `a number of seconds greater than 0 and at most ${MAX_TIMER_SECONDS} (24 days)`,
  (u): u is number => typeof u === 'number' && Number.isFinite(u) && u > 0 && u <= MAX_TIMER_SECONDS,
  { type: 'number', exclusiveMinimum: 0, maximum: MAX_TIMER_SECONDS },
);

export const LogLevelCodec = t.keyof(
  { trace: null, debug: null, info: null, warn: null, error: null, fatal: null, silent: null },
  'one of trace, debug, info, warn, error, fatal, silent',
);

export const EnvironmentTypeCodec = t.keyof(
  { production: null, staging: null, testing: null, development: null },
  'one of production, staging, testing, development',
);
