import Ajv, { type ValidateFunction } from 'ajv';
import flagsSchema from './schema/flags.json';
import targetingSchema from './schema/targeting.json';
import type { FlagdFile } from './codecs';
import type { SchemaError } from './schema-errors';

/**
 * The flag definition schema flagd publishes (flags.json and targeting.json, vendored unchanged in ./schema),
 * compiled once per process with the options flagd-core compiles it with (`strict: false`: the upstream schema uses
 * 1-tuple `items` that strict mode refuses), so files are accepted and refused as flagd's own providers do.
 *
 * Most of the cost of checking a large file is the targeting rules: the targeting schema tries every JSONLogic
 * operator in turn for each rule and argument (~20 µs a rule). Flag files repeat rules (the same segment check, the
 * same split, an expanded `$ref`), so a file is checked in two parts: the file with targeting left open, and each
 * distinct targeting rule (by its JSON text) against targeting.json once per process. A flag's targeting is checked
 * by targeting.json wherever it appears in flags.json, so the two parts accept exactly what the whole schema does;
 * when either part refuses, the whole schema runs on the file for the error list users see.
 */
interface Validators {
  readonly ajv: Ajv;
  readonly outline: ValidateFunction;
  readonly targeting: ValidateFunction;
}

let validators: Validators | undefined;
/** The whole schema, compiled only once a file fails the two parts (to list its errors): a third of the compiling. */
let wholeSchema: ValidateFunction | undefined;

/** flags.json with a flag's `targeting` accepted as anything (checked on its own). */
function outlineSchema(): Record<string, unknown> {
  const schema = structuredClone(flagsSchema) as { $id: string; definitions: { baseFlag: { properties: Record<string, unknown> } } };
  schema.$id = `${schema.$id}#outline`;
  schema.definitions.baseFlag.properties['targeting'] = true;
  return schema;
}

function compiled(): Validators {
  if (validators === undefined) {
    // The vendored schemas are checked against their meta-schema by a test (schema-codec.test.ts), not at each start.
    const ajv = new Ajv({ strict: false, validateSchema: false });
    ajv.addSchema(targetingSchema, 'targeting');
    validators = { ajv, outline: ajv.compile(outlineSchema()), targeting: ajv.getSchema('targeting')! };
  }
  return validators;
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
  const whole = (wholeSchema ??= compiled().ajv.compile(flagsSchema));
  return whole(document) ? undefined : ((whole.errors ?? []) as SchemaError[]);
}
