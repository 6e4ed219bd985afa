import { MemoryStorage } from '@openfeature/flagd-core';
import type { Logger as OpenFeatureLogger } from '@openfeature/core';
import { parse as parseYaml } from 'yaml';
import { DecodeError, decodeOrThrow } from '../../src/codec/decode';
import { FlagdFileCodec, type FlagdFile } from './codecs';
import { describeSchemaErrors, type SchemaError } from './schema-errors';
import { FlagdFileError } from './errors';

export type FlagdFormat = 'json' | 'yaml';

// flagd-core logs targeting it cannot compile; the schema errors we throw already say more.
const quietLogger: OpenFeatureLogger = { error() {}, warn() {}, info() {}, debug() {} };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseDocument(text: string, format: FlagdFormat): unknown {
  try {
    return format === 'yaml' ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw new FlagdFileError([`not valid ${format.toUpperCase()}: ${(err as Error).message}`]);
  }
}

/** flagd-core reports schema violations as "invalid flagd flag configuration: <JSON list of ajv errors>". */
function schemaProblemsIn(message: string): string[] | undefined {
  const listStart = message.indexOf('[');
  if (listStart < 0) return undefined;
  try {
    const list: unknown = JSON.parse(message.slice(listStart));
    return Array.isArray(list) ? describeSchemaErrors(list as SchemaError[]) : undefined;
  } catch {
    return undefined;
  }
}

function checkDefaultVariants(document: unknown): void {
  const flags = isRecord(document) && isRecord(document['flags']) ? document['flags'] : {};
  for (const [key, flag] of Object.entries(flags)) {
    if (!isRecord(flag) || !isRecord(flag['variants']) || typeof flag['defaultVariant'] !== 'string') continue;
    const variants = Object.keys(flag['variants']);
    if (!variants.includes(flag['defaultVariant'])) {
      const names = variants.map((v) => JSON.stringify(v)).join(', ');
      throw new FlagdFileError([
        `flags.${key}.defaultVariant: ${JSON.stringify(flag['defaultVariant'])} is not one of the variants (${names})`,
      ]);
    }
  }
}

/** Strict validation with flagd-core: the schema flagd itself publishes, plus its structural checks. */
function validateWithFlagd(document: unknown): void {
  try {
    new MemoryStorage(quietLogger).setConfigurations(JSON.stringify(document), true);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const schemaProblems = schemaProblemsIn(message);
    if (schemaProblems !== undefined) throw new FlagdFileError(schemaProblems);
    // Past the schema, flagd-core's remaining check is the default variant; its message omits the flag key.
    checkDefaultVariants(document);
    throw new FlagdFileError([err instanceof Error && err.cause instanceof Error ? err.cause.message : message]);
  }
}

function resolveRefs(value: unknown, evaluators: Record<string, unknown>, where: string, seen: readonly string[]): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveRefs(item, evaluators, where, seen));
  if (!isRecord(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === '$ref') {
    const name = value['$ref'];
    if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(evaluators, name)) {
      throw new FlagdFileError([`${where}: $ref ${JSON.stringify(name)} names no entry of $evaluators`]);
    }
    if (seen.includes(name)) throw new FlagdFileError([`${where}: $ref cycle ${[...seen, name].join(' → ')}`]);
    return resolveRefs(evaluators[name], evaluators, where, [...seen, name]);
  }
  return Object.fromEntries(keys.map((k) => [k, resolveRefs(value[k], evaluators, where, seen)]));
}

/** Replaces `{"$ref": "name"}` in every flag's targeting with `$evaluators.name` (nested references too). */
function resolveEvaluatorRefs(document: Record<string, unknown>): Record<string, unknown> {
  const evaluators = isRecord(document['$evaluators']) ? document['$evaluators'] : {};
  const flags = isRecord(document['flags']) ? document['flags'] : {};
  const resolved: Record<string, unknown> = {};
  for (const [key, flag] of Object.entries(flags)) {
    resolved[key] =
      isRecord(flag) && flag['targeting'] !== undefined
        ? { ...flag, targeting: resolveRefs(flag['targeting'], evaluators, `flags.${key}.targeting`, []) }
        : flag;
  }
  return { ...document, flags: resolved };
}

/** Parses and validates one flagd flag definition file; throws FlagdFileError naming what is wrong. */
export function parseFlagdFile(text: string, format: FlagdFormat = 'json'): FlagdFile {
  const document = parseDocument(text, format);
  validateWithFlagd(document);
  if (!isRecord(document)) throw new FlagdFileError(['(root): expected an object with "flags"']);
  try {
    return decodeOrThrow(FlagdFileCodec, resolveEvaluatorRefs(document), 'flagd file', { showValue: () => true });
  } catch (err) {
    if (err instanceof DecodeError) throw new FlagdFileError(err.problems);
    throw err;
  }
}
