import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { configJsonSchemaText } from './json-schema';

/** Regenerates config/flagsync.schema.json from the codecs: `npx tsx src/config/write-schema.ts`. */
export const SCHEMA_FILE = path.resolve(__dirname, '../../config/flagsync.schema.json');

if (require.main === module) {
  writeFileSync(SCHEMA_FILE, configJsonSchemaText());
  process.stdout.write(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}\n`);
}
