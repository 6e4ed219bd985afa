import type { ValidateFunction } from 'ajv';
import type { FlagdFile } from './codecs';
import type { SchemaError } from './schema-errors';

/**
 * The flag definition schema flagd publishes (flags.json and targeting.json, vendored unchanged in ./schema),
 * with the options flagd-core compiles it with (schema-code.ts), so files are accepted and refused as flagd's own
 * providers do.
 *
 * Most of the cost of checking a large file is the targeting rules: the targeting schema tries every JSONLogic
 * operator in turn for each rule and argument (~20 µs a rule). Flag files repeat rules (the same segment check, the
 * same split, an expanded `$ref`), so a file is checked in two parts: the file with targeting left open, and each
 * distinct targeting rule (by its JSON text) against targeting.json once per process. A flag's targeting is checked
 * by targeting.json wherever it appears in flags.json, so the two parts accept exactly what the whole schema does;
 * when either part refuses, the whole schema runs on the file for the error list users see.
 *
 * The two parts are precompiled (schema-validators.generated.ts): loading Ajv and compiling them took ~70 ms of
 * every run that parses a file. Ajv itself is loaded only to list a failing file's errors.
 */
interface Validators {
  readonly outline: (data: unknown) => boolean;
  readonly targeting: (data: unknown) => boolean;
}

let validators: Validators | undefined;
let wholeSchema: ValidateFunction | undefined;

function compiled(): Validators {
  // `require`: the generated module is plain JavaScript (no types), and loads with the first file to parse.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  validators ??= require('./schema-validators.generated') as Validators;
  return validators;
}

/** The whole schema, compiled with Ajv only once a file fails the two parts (to list its errors). */
function whole(): ValidateFunction {
  if (wholeSchema === undefined) {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { default: Ajv } = require('ajv') as typeof import('ajv');
    const { AJV_OPTIONS, flagsSchema, targetingSchema } = require('./schema-code') as typeof import('./schema-code');
    /* eslint-enable @typescript-eslint/no-require-imports */
    const ajv = new Ajv(AJV_OPTIONS);
    ajv.addSchema(targetingSchema, 'targeting');
    wholeSchema = ajv.compile(flagsSchema);
  }
  return wholeSchema;
}

/** JSON texts of targeting rules the schema accepted. Bounded: a daemon reading ever-new rules must not grow. */
const acceptedRules = new Set<string>();
const MAX_REMEMBERED_RULES = 50_000;

/**
 * The file conforms to flags.json with every flag's targeting left open. That is what FlagdFile (codecs.ts) states,
 * whose `targeting` is unknown: the schema is the typed boundary, no io-ts check follows it
 * (test/schema-codec.test.ts checks that the schema accepts nothing the codec refuses).
 */
export function outlineConforms(document: unknown): document is FlagdFile {
  return compiled().outline(document);
}

/** One targeting rule, given with its JSON text, conforms to targeting.json (checked once per distinct text). */
export function targetingConforms(targeting: unknown, text: string): boolean {
  if (acceptedRules.has(text)) return true;
  if (!compiled().targeting(targeting)) return false;
  if (acceptedRules.size >= MAX_REMEMBERED_RULES) acceptedRules.clear();
  acceptedRules.add(text);
  return true;
}

function conforms(document: unknown): boolean {
  if (!outlineConforms(document)) return false;
  const flags = document.flags;
  for (const key in flags) {
    const targeting = flags[key]!.targeting;
    if (targeting !== undefined && !targetingConforms(targeting, JSON.stringify(targeting))) return false;
  }
  return true;
}

/** The schema's complaints about a parsed flag file, or undefined when it conforms. */
export function flagdSchemaErrors(document: unknown): readonly SchemaError[] | undefined {
  if (conforms(document)) return undefined;
  const validate = whole();
  return validate(document) ? undefined : ((validate.errors ?? []) as SchemaError[]);
}
