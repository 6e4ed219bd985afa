import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import * as t from 'io-ts';
import { parse as parseYamlText } from 'yaml';
import { configJsonSchema, configJsonSchemaText, toJsonSchema } from '../../src/config/json-schema';
import { SCHEMA_FILE } from '../../src/config/write-schema';

const EXAMPLE = path.resolve(__dirname, '../../config/example.yaml');

let compiled: ReturnType<Ajv['compile']> | undefined;

/** Ajv with its default (editor-like) strictness; compiled once, it takes a while. */
function validator(): ReturnType<Ajv['compile']> {
  if (compiled !== undefined) return compiled;
  const ajv = new Ajv({ allErrors: true });
  addFormats(ajv);
  compiled = ajv.compile(configJsonSchema());
  return compiled;
}

describe('config JSON Schema', () => {
  it('is up to date with the codecs (regenerate: npx tsx src/config/write-schema.ts)', () => {
    assert.equal(readFileSync(SCHEMA_FILE, 'utf8'), configJsonSchemaText());
  });

  it('validates config/example.yaml', () => {
    const validate = validator();
    const ok = validate(parseYamlText(readFileSync(EXAMPLE, 'utf8')));
    assert.equal(ok, true, JSON.stringify(validate.errors, null, 2));
  });

  it('rejects a misspelt key, like the loader', () => {
    const example = parseYamlText(readFileSync(EXAMPLE, 'utf8')) as { jira: Record<string, unknown> };
    example.jira['clientSecert'] = example.jira['clientSecret'];
    const validate = validator();
    assert.equal(validate(example), false);
    assert.deepEqual(
      validate.errors?.map((e) => [e.instancePath, e.keyword]),
      [['/jira', 'additionalProperties']],
    );
  });

  it('accepts a secret reference where a URL is expected', () => {
    const example = parseYamlText(readFileSync(EXAMPLE, 'utf8')) as { jira: Record<string, unknown> };
    example.jira['tokenUrl'] = '${env:TOKEN_URL}';
    assert.equal(validator()(example), true);
  });

  it('refuses to convert a codec kind it does not know', () => {
    assert.throws(() => toJsonSchema(t.bigint), /no conversion for codec "bigint"/);
  });
});
