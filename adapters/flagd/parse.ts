import { parse as parseYaml } from 'yaml';
import type { FlagdFile, FlagdFlag } from './codecs';
import { FlagdFileError } from './errors';
import { flagdSchemaErrors, outlineConforms, targetingConforms } from './schema';
import { describeSchemaErrors } from './schema-errors';

export type FlagdFormat = 'json' | 'yaml';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const hasOwn = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);

/**
 * YAML as flagd reads it (Go's yaml.v3): `<<` merge keys apply (a shared block of targeting or metadata), and an
 * anchor may be used as often as flags need it. The alias limit still stops exponential expansion (nested aliases
 * multiply the count): the default of 100 failed a file reusing one `variants` anchor on 101 flags.
 */
const YAML_OPTIONS = { merge: true, maxAliasCount: 1_000_000 } as const;

function parseDocument(text: string, format: FlagdFormat): unknown {
  try {
    return format === 'yaml' ? parseYaml(text, YAML_OPTIONS) : JSON.parse(text);
  } catch (err) {
    throw new FlagdFileError([`not valid ${format.toUpperCase()}: ${(err as Error).message}`]);
  }
}

/**
 * flagd's own structural check past the schema: a default variant (when set) must name one of the variants. An
 * empty name counts as unset, as in flagd.
 */
function defaultVariantProblem(key: string, flag: Record<string, unknown>): string | undefined {
  const variants = flag['variants'];
  if (!isRecord(variants)) return undefined;
  const defaultVariant = flag['defaultVariant'];
  if (typeof defaultVariant !== 'string' || defaultVariant === '' || hasOwn(variants, defaultVariant)) return undefined;
  const names = Object.keys(variants)
    .map((v) => JSON.stringify(v))
    .join(', ');
  return `flags.${key}.defaultVariant: ${JSON.stringify(defaultVariant)} is not one of the variants (${names})`;
}

function checkDefaultVariants(flags: Record<string, unknown>): void {
  for (const key in flags) {
    const flag = flags[key];
    const problem = isRecord(flag) ? defaultVariantProblem(key, flag) : undefined;
    if (problem !== undefined) throw new FlagdFileError([problem]);
  }
}

/**
 * Replaces `{"$ref": name}` with `$evaluators[name]` (nested references too). Returns `value` itself when it holds
 * no reference, so a file without `$ref`s is not copied. A dangling or cyclic reference is left in place (the schema
 * accepts it where a rule argument may stand) and its first problem is noted, to be reported after the schema's.
 */
function resolveRefs(
  value: unknown,
  evaluators: Record<string, unknown>,
  where: string,
  seen: readonly string[],
  problems: string[],
): unknown {
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const resolved = resolveRefs(item, evaluators, where, seen, problems);
      if (resolved !== item) (copy ??= value.slice())[i] = resolved;
    }
    return copy ?? value;
  }
  if (!isRecord(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === '$ref') {
    const name = value['$ref'];
    if (typeof name !== 'string' || !hasOwn(evaluators, name)) {
      problems.push(`${where}: $ref ${JSON.stringify(name)} names no entry of $evaluators`);
      return value;
    }
    if (seen.includes(name)) {
      problems.push(`${where}: $ref cycle ${[...seen, name].join(' → ')}`);
      return value;
    }
    return resolveRefs(evaluators[name], evaluators, where, [...seen, name], problems);
  }
  let copy: Record<string, unknown> | undefined;
  for (const key of keys) {
    const item = value[key];
    const resolved = resolveRefs(item, evaluators, where, seen, problems);
    if (resolved !== item) (copy ??= { ...value })[key] = resolved;
  }
  return copy ?? value;
}

/** The document with every flag's targeting `$ref`s resolved (flags without any are kept as they are). */
function resolveEvaluatorRefs(document: Record<string, unknown>, problems: string[]): Record<string, unknown> {
  const flags = document['flags'];
  if (!isRecord(flags)) return document;
  const evaluators = isRecord(document['$evaluators']) ? document['$evaluators'] : {};
  let resolvedFlags: Record<string, unknown> | undefined;
  for (const key in flags) {
    const flag = flags[key];
    if (!isRecord(flag) || flag['targeting'] === undefined) continue;
    const targeting = resolveRefs(flag['targeting'], evaluators, `flags.${key}.targeting`, [], problems);
    if (targeting !== flag['targeting']) (resolvedFlags ??= { ...flags })[key] = { ...flag, targeting };
  }
  return resolvedFlags === undefined ? document : { ...document, flags: resolvedFlags };
}

/**
 * A valid file, with its flag keys in the file's order and each key's definition at the same index: listing the keys
 * of 100,000s of flags, and looking each up in so large an object, is worth doing once.
 */
export interface ParsedFlagdFile {
  readonly file: FlagdFile;
  readonly keys: readonly string[];
  readonly definitions: readonly FlagdFlag[];
}

/**
 * The file when it is valid, in one pass over its flags: the outline schema, then per flag its targeting (`$ref`s
 * resolved, checked by its JSON text, which also tells whether it holds a `$ref` at all) and its default variant.
 * Undefined at the first problem of any kind: `checkedInFull` then finds and names the problems in their order.
 */
function checkedQuickly(document: unknown): ParsedFlagdFile | undefined {
  if (!outlineConforms(document)) return undefined;
  const { flags } = document;
  const keys = Object.keys(flags);
  const definitions = new Array<FlagdFlag>(keys.length);
  const evaluators = document.$evaluators ?? {};
  let resolvedFlags: Record<string, FlagdFlag> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    let flag = flags[key]!;
    if (flag.targeting !== undefined) {
      let targeting: unknown = flag.targeting;
      let text = JSON.stringify(targeting);
      // A reference is an object whose one key is "$ref", which JSON writes as "$ref" (quoted, nothing escaped).
      if (text.includes('"$ref"')) {
        const problems: string[] = [];
        const resolved = resolveRefs(targeting, evaluators, `flags.${key}.targeting`, [], problems);
        if (problems.length > 0) return undefined;
        if (resolved !== targeting) {
          targeting = resolved;
          text = JSON.stringify(resolved);
          flag = { ...flag, targeting };
          (resolvedFlags ??= { ...flags })[key] = flag;
        }
      }
      if (!targetingConforms(targeting, text)) return undefined;
    }
    if (defaultVariantProblem(key, flag) !== undefined) return undefined;
    definitions[i] = flag;
  }
  return { file: resolvedFlags === undefined ? document : { ...document, flags: resolvedFlags }, keys, definitions };
}

/**
 * Every check in turn, naming the first problem found: the schema's (on the file with `$ref`s resolved), then a
 * default variant naming no variant, then a `$ref` that cannot be resolved.
 */
function checkedInFull(parsed: unknown): FlagdFile {
  const refProblems: string[] = [];
  const document = isRecord(parsed) ? resolveEvaluatorRefs(parsed, refProblems) : parsed;
  const schemaErrors = flagdSchemaErrors(document);
  if (schemaErrors !== undefined) throw new FlagdFileError(describeSchemaErrors(schemaErrors));
  // The whole schema accepted the file, so its outline holds: this is the typed view.
  if (!outlineConforms(document)) throw new FlagdFileError(['(root): expected an object with "flags"']);
  checkDefaultVariants(document.flags);
  if (refProblems.length > 0) throw new FlagdFileError([refProblems[0]!]);
  return document;
}

/**
 * Parses and validates one flagd flag definition file; throws FlagdFileError naming what is wrong. The checks are
 * flagd's own (its published schema on the file with `$ref`s resolved, then the default variant), without building
 * the evaluators a flagd provider would: a sync reads definitions, it never evaluates them.
 */
/**
 * The flagd daemon also takes `flags` as an array of flags, each with its `key` (flagd's flagdConfig schema): as the
 * map of flags by key that the rest reads. A key twice (flag sets may share one) is refused, naming both: flagsync
 * keys Jira's flags by provider and key, so the two would be one flag in Jira.
 */
function flagsAsMap(parsed: unknown): unknown {
  if (!isRecord(parsed) || !Array.isArray(parsed['flags'])) return parsed;
  const flags: Record<string, unknown> = {};
  const at = new Map<string, number>();
  (parsed['flags'] as unknown[]).forEach((item, i) => {
    const key = isRecord(item) ? item['key'] : undefined;
    if (typeof key !== 'string' || key === '')
      throw new FlagdFileError([`flags[${i}]: expected a flag with a "key" of at least one character (flags given as an array)`]);
    const first = at.get(key);
    if (first !== undefined)
      throw new FlagdFileError([`flags[${i}].key: ${JSON.stringify(key)} is also the key of flags[${first}]; flagsync keys flags by key`]);
    at.set(key, i);
    const { key: _key, ...flag } = item as Record<string, unknown>;
    // Defined, not assigned: a flag keyed `__proto__` is a flag like any other (as in the map form JSON.parse gives).
    Object.defineProperty(flags, key, { value: flag, enumerable: true, writable: true, configurable: true });
  });
  return { ...parsed, flags };
}

export function readFlagdFile(text: string, format: FlagdFormat = 'json'): ParsedFlagdFile {
  const parsed = flagsAsMap(parseDocument(text, format));
  const checked = checkedQuickly(parsed);
  if (checked !== undefined) return checked;
  const file = checkedInFull(parsed);
  const keys = Object.keys(file.flags);
  return { file, keys, definitions: keys.map((key) => file.flags[key]!) };
}

/** readFlagdFile, the file alone. */
export const parseFlagdFile = (text: string, format: FlagdFormat = 'json'): FlagdFile => readFlagdFile(text, format).file;
