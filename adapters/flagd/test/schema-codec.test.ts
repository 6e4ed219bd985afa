import { strict as assert } from 'node:assert';
import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { FlagdFileCodec } from '../codecs';
import { flagdSchemaErrors, outlineConforms } from '../schema';
import { FIXTURES } from './helpers';
import flagsSchema from '../schema/flags.json';
import targetingSchema from '../schema/targeting.json';
import { pathsOf, random, withChange } from '../../../test/helpers/random-json';

/**
 * parse.ts takes the flagd schema's word for the typed view (FlagdFile) and runs no io-ts check after it. That holds
 * only while everything the schema accepts is a FlagdFile: checked here on the fixtures, on files of every variant
 * type and metadata value type, and on many files mutated at random from them (a fixed seed, so every run checks the
 * same files).
 */
const BOOL = { on: true, off: false };

const valid: Record<string, unknown>[] = [
  ...['production.flagd.json', 'staging.flagd.json', 'unknown-bucket.flagd.json'].map(
    (name) => JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as Record<string, unknown>,
  ),
  parseYaml(readFileSync(path.join(FIXTURES, 'shared.flagd.yaml'), 'utf8')) as Record<string, unknown>,
  {
    $evaluators: { beta: { in: [{ var: 'email' }, ['a@example.com']] } },
    metadata: { flagSetId: 'shop', version: '3', weight: 2, public: true },
    flags: {
      b: { state: 'ENABLED', variants: BOOL, defaultVariant: null, metadata: { jira: 'PROJ-1', rank: 1, live: false } },
      n: { state: 'DISABLED', variants: { one: 1, half: 0.5 }, defaultVariant: 'one' },
      s: { state: 'ENABLED', variants: { red: '#f00' }, targeting: { if: [{ var: 'beta' }, 'red', null] } },
      o: { state: 'ENABLED', variants: { a: { size: 2, tags: ['x'] }, b: {} }, defaultVariant: 'a', targeting: {} },
    },
  },
];

const REPLACEMENTS: unknown[] = [null, true, 0, -1.5, '', 'x', 'ENABLED', [], ['on'], {}, { on: true }, { x: [1] }];

describe('flagd schema: what it accepts is a FlagdFile (the typed view parse.ts relies on)', () => {
  it('accepts the valid files, and so does the codec', () => {
    for (const document of valid) {
      assert.equal(flagdSchemaErrors(document), undefined, JSON.stringify(document));
      assert.equal(outlineConforms(document), true);
      assert.equal(FlagdFileCodec.is(document), true, JSON.stringify(document));
    }
  });

  it('never accepts a file the codec refuses, over 3,000 random changes to them', () => {
    const next = random(16);
    let accepted = 0;
    for (let n = 0; n < 3000; n++) {
      const document = valid[Math.floor(next() * valid.length)]!;
      const paths = pathsOf(document);
      const at = paths[Math.floor(next() * paths.length)]!;
      const changed = withChange(document, at, REPLACEMENTS[Math.floor(next() * REPLACEMENTS.length)], next() < 0.2);
      if (!outlineConforms(changed)) continue;
      accepted++;
      assert.equal(FlagdFileCodec.is(changed), true, `accepted by the schema, refused by the codec: ${JSON.stringify(changed)}`);
    }
    // The changes must reach files the schema still accepts, or this checks nothing.
    assert.ok(accepted > 300, `${accepted} changed files accepted`);
  });
});

describe('the vendored flagd schemas', () => {
  it('are valid JSON Schemas (the precompiled validators and the error listing take them unchecked)', () => {
    const ajv = new Ajv({ strict: false });
    for (const schema of [targetingSchema, flagsSchema]) assert.equal(ajv.validateSchema(schema), true, JSON.stringify(ajv.errors));
  });
});
