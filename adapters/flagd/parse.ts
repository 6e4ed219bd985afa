import { parse as parseYaml } from 'yaml';
import { DecodeError, decodeOrThrow } from '../../src/kit';
import { FlagdFileCodec, type FlagdFile } from './codecs';
import { FlagdFileError } from './errors';
import { flagdSchemaErrors } from './schema';
import { describeSchemaErrors } from './schema-errors';

export type FlagdFormat = 'json' | 'yaml';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const hasOwn = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);

function parseDocument(text: string, format: FlagdFormat): unknown {
  try {
    return format === 'yaml' ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw new FlagdFileError([`not valid ${format.toUpperCase()}: ${(err as Error).message}`]);
  }
}

/**
 * flagd's own structural check past the schema: a default variant (when set) must name one of the variants. An
 * empty name counts as unset, as in flagd.
 */
function checkDefaultVariants(flags: Record<string, unknown>): void {
  for (const key in flags) {
    const flag = flags[key];
    if (!isRecord(flag) || !isRecord(flag['variants'])) continue;
    const defaultVariant = flag['defaultVariant'];
    if (typeof defaultVariant !== 'string' || defaultVariant === '' || hasOwn(flag['variants'], defaultVariant)) continue;
    const names = Object.keys(flag['variants'])
      .map((v) => JSON.stringify(v))
      .join(', ');
    throw new FlagdFileError([`flags.${key}.defaultVariant: ${JSON.stringify(defaultVariant)} is not one of the variants (${names})`]);
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
 * Parses and validates one flagd flag definition file; throws FlagdFileError naming what is wrong. The checks are
 * flagd's own (its published schema on the file with `$ref`s resolved, then the default variant), without building
 * the evaluators a flagd provider would: a sync reads definitions, it never evaluates them.
 */
export function parseFlagdFile(text: string, format: FlagdFormat = 'json'): FlagdFile {
  const parsed = parseDocument(text, format);
  const refProblems: string[] = [];
  const document = isRecord(parsed) ? resolveEvaluatorRefs(parsed, refProblems) : parsed;
  const schemaErrors = flagdSchemaErrors(document);
  if (schemaErrors !== undefined) throw new FlagdFileError(describeSchemaErrors(schemaErrors));
  if (!isRecord(document) || !isRecord(document['flags'])) throw new FlagdFileError(['(root): expected an object with "flags"']);
  checkDefaultVariants(document['flags']);
  if (refProblems.length > 0) throw new FlagdFileError([refProblems[0]!]);
  // The schema accepted the file, so the typed view almost always holds: check it without copying, and decode
  // (for the path-named problems) only when it does not.
  if (FlagdFileCodec.is(document)) return document;
  try {
    return decodeOrThrow(FlagdFileCodec, document, 'flagd file', { showValue: () => true });
  } catch (err) {
    if (err instanceof DecodeError) throw new FlagdFileError(err.problems);
    throw err;
  }
}
