import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { schemaValidatorsSource } from '../schema-code';
import { VALIDATORS_FILE } from '../write-schema-validators';

describe('flagd schema: the precompiled validators', () => {
  it('are what Ajv compiles from the vendored schemas today (else: npx tsx adapters/flagd/write-schema-validators.ts)', () => {
    assert.equal(readFileSync(VALIDATORS_FILE, 'utf8'), schemaValidatorsSource());
  });
});
