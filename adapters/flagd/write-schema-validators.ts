import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { schemaValidatorsSource } from './schema-code';

/** Regenerates schema-validators.generated.ts: `npx tsx adapters/flagd/write-schema-validators.ts`. */
export const VALIDATORS_FILE = path.resolve(__dirname, 'schema-validators.generated.ts');

if (require.main === module) {
  writeFileSync(VALIDATORS_FILE, schemaValidatorsSource());
  process.stdout.write(`wrote ${path.relative(process.cwd(), VALIDATORS_FILE)}\n`);
}
