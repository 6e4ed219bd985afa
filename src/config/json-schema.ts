import type * as t from 'io-ts';
import { annotationOf, type JsonSchema } from './annotations';
import { ConfigFileCodec } from './codecs';

/**
 * io-ts codec → JSON Schema (draft-07, what editors' YAML plugins understand best), for the codec kinds the config
 * uses. An unsupported kind throws, so a new kind of field cannot silently vanish from the schema.
 */
type Codec = t.Decoder<unknown, unknown> & {
  _tag?: string;
  props?: t.Props;
  types?: readonly Codec[];
  type?: Codec;
  keys?: Record<string, unknown>;
  value?: unknown;
  domain?: Codec;
  codomain?: Codec;
};

const REFERENCE = '#/definitions/reference';

/** Secret references are resolved before decoding, so a constrained string may also be written as one. */
function allowingReference(schema: JsonSchema): JsonSchema {
  const constrained = schema['type'] === 'string' && (schema['pattern'] !== undefined || schema['format'] !== undefined);
  return constrained ? { anyOf: [schema, { $ref: REFERENCE }] } : schema;
}

function objectSchema(codec: Codec): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  const collect = (member: Codec): void => {
    if (member._tag === 'IntersectionType') return (member.types ?? []).forEach(collect);
    for (const [key, value] of Object.entries(member.props ?? {})) {
      properties[key] = toJsonSchema(value as Codec);
      if (member._tag === 'InterfaceType' && annotationOf(value as Codec).default === undefined) required.push(key);
    }
  };
  collect(codec);
  return {
    type: 'object',
    properties,
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: annotationOf(codec).open === true,
  };
}

function baseSchema(codec: Codec): JsonSchema {
  const own = annotationOf(codec).schema;
  if (own !== undefined) return allowingReference(own);
  switch (codec._tag) {
    case 'StringType':
      return { type: 'string' };
    case 'NumberType':
      return { type: 'number' };
    case 'BooleanType':
      return { type: 'boolean' };
    case 'UnknownType':
      return {};
    case 'KeyofType':
      return { type: 'string', enum: Object.keys(codec.keys ?? {}) };
    case 'LiteralType':
      return { const: codec.value };
    case 'ArrayType':
    case 'ReadonlyArrayType':
      return { type: 'array', items: toJsonSchema(codec.type!) };
    case 'DictionaryType':
      return { type: 'object', additionalProperties: toJsonSchema(codec.codomain!) };
    case 'UnionType':
      return { anyOf: (codec.types ?? []).map(toJsonSchema) };
    case 'InterfaceType':
    case 'PartialType':
    case 'IntersectionType':
      return objectSchema(codec);
    default:
      throw new Error(`json-schema: no conversion for codec "${codec.name}" (${codec._tag ?? 'custom type'})`);
  }
}

export function toJsonSchema(codec: t.Decoder<unknown, unknown>): JsonSchema {
  const { description, extra } = annotationOf(codec);
  const value = annotationOf(codec).default;
  return {
    ...(description === undefined ? {} : { description }),
    ...baseSchema(codec as Codec),
    ...extra,
    ...(value === undefined ? {} : { default: value }),
  };
}

/** The JSON Schema of config/flagsync.schema.json, generated from the config codecs. */
export function configJsonSchema(): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'flagsync configuration',
    description: 'Generated from src/config/codecs.ts by `npx tsx src/config/write-schema.ts`; do not edit by hand.',
    ...toJsonSchema(ConfigFileCodec),
    definitions: {
      reference: {
        description: 'A secret reference, resolved when the file is loaded: ${env:NAME} or ${file:PATH}',
        type: 'string',
        pattern: '\\$\\{(env|file):[^}]+\\}',
      },
    },
  };
}

/** The file's exact text (stable key order, trailing newline), so a test can compare it byte for byte. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
