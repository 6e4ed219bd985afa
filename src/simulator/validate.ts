/**
 * JSON Schema validation of request bodies with Ajv (draft 2020-12). Schemas are the ones in schemas/jira, derived
 * from Atlassian's spec; compiled once per process because compiling dominates a simulator's start-up time.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

let ajv: Ajv2020 | undefined;
const compiled = new Map<string, ValidateFunction>();

/** Finds schemas/jira walking up from this file, so it works from src/ (tsx) and from dist/src/ alike. */
export function schemaDir(): string {
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, 'schemas', 'jira');
    if (fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`schemas/jira not found above ${__dirname}`);
    dir = parent;
  }
}

export function loadSchema(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(schemaDir(), file), 'utf8')) as Record<string, unknown>;
}

/** `scheme://rest` without whitespace that WHATWG URL parsing accepts: any host, dotted or not, public or private. */
export function isAbsoluteUrl(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(value) && URL.canParse(value);
}

/**
 * ajv's own messages, but its notice that `unicode` is deprecated: the option still works (limitLength counts
 * `.length` with it), and the notice would be the first line of every simulator start, `npm start`'s demo included.
 */
const AJV_LOGGER = {
  log: (...args: unknown[]): void => console.log(...args),
  warn: (...args: unknown[]): void => {
    if (typeof args[0] === 'string' && args[0].startsWith('DEPRECATED: option unicode.')) return;
    console.warn(...args);
  },
  error: (...args: unknown[]): void => console.error(...args),
};

export function createAjv(): Ajv2020 {
  // strict: false because the derived schemas keep OpenAPI leftovers (e.g. `required` beside untyped objects).
  // unicode: false counts lengths in UTF-16 units, as Jira's Java does (an emoji is 2 of a displayName's 255).
  const instance = new Ajv2020({ allErrors: true, strict: false, validateFormats: true, unicode: false, logger: AJV_LOGGER });
  addFormats(instance);
  // The builds schema uses the spec's non-standard `URL` format; Atlassian means an absolute URL. ajv-formats' own
  // `url` refuses hosts without a dot and private addresses (`http://gitlab/...`, `https://10.0.0.5/...`), which
  // self-hosted tools use and Jira accepts, so both names get the same absolute-URL check.
  instance.addFormat('URL', { type: 'string', validate: isAbsoluteUrl });
  instance.addFormat('url', { type: 'string', validate: isAbsoluteUrl });
  return instance;
}

export function compileSchema(file: string): ValidateFunction {
  const cached = compiled.get(file);
  if (cached !== undefined) return cached;
  ajv ??= createAjv();
  const validate = ajv.compile(loadSchema(file));
  compiled.set(file, validate);
  return validate;
}

/** `/flags/0/summary/status` → `flags[0].summary.status`, the way Jira names fields in its messages. */
export function jsonPath(instancePath: string): string {
  if (instancePath === '') return '(root)';
  return instancePath
    .split('/')
    .slice(1)
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc === '' ? seg : `${acc}.${seg}`), '');
}

export function describeAjvError(error: ErrorObject): string {
  let message = error.message ?? 'is invalid';
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties' && typeof params['additionalProperty'] === 'string') {
    message += ` ('${params['additionalProperty']}')`;
  } else if (error.keyword === 'enum' && Array.isArray(params['allowedValues'])) {
    message += `: ${params['allowedValues'].map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return `${jsonPath(error.instancePath)}: ${message}`;
}

/** Enough to fix a payload; a 100-entity batch of bad entities would otherwise answer thousands of lines. */
export const MAX_REPORTED_PROBLEMS = 50;

/** One schema violation: where (Ajv's JSON pointer, to tell request-level from entity-level) and Jira-style text. */
export interface SchemaViolation {
  readonly instancePath: string;
  readonly keyword: string;
  readonly message: string;
}

/** Violations of every listed schema, deduplicated by message, in order. Empty when the body is valid against all. */
export function schemaViolations(body: unknown, files: readonly string[]): SchemaViolation[] {
  const seen = new Map<string, SchemaViolation>();
  for (const file of files) {
    const validate = compileSchema(file);
    if (validate(body)) continue;
    for (const error of validate.errors ?? []) {
      const message = describeAjvError(error);
      if (!seen.has(message)) seen.set(message, { instancePath: error.instancePath, keyword: error.keyword, message });
    }
  }
  return [...seen.values()];
}

/** At most MAX_REPORTED_PROBLEMS messages, with a count of the rest. */
export function capProblems(problems: readonly string[]): string[] {
  if (problems.length <= MAX_REPORTED_PROBLEMS) return [...problems];
  return [...problems.slice(0, MAX_REPORTED_PROBLEMS), `... and ${problems.length - MAX_REPORTED_PROBLEMS} more problems`];
}

/** Problems found by every listed schema, deduplicated, in order. Empty when the body is valid against all. */
export function schemaProblems(body: unknown, files: readonly string[]): string[] {
  return capProblems(schemaViolations(body, files).map((v) => v.message));
}
