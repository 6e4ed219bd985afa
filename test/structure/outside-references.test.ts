import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './import-graph';

/**
 * Comments and docs say the rule itself, never point at notes outside the repository (the research notes the
 * project was built from are not shipped, so a reader of the package or a clone could not follow the pointer).
 */
const OUTSIDE = new RegExp(['FACTS' + '\\.md', '\\.\\./shared/', '/work/' + 'shared'].join('|'));
const SKIP = new Set(['node_modules', 'dist', '.git', 'wip']);

function textFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name) || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) textFiles(full, out);
    else if (/\.(ts|mts|cts|js|mjs|md|yaml|yml|tmpl|sh)$/.test(entry.name)) out.push(full);
  }
  return out;
}

describe('references outside the repository', () => {
  it('no source, test or doc cites a file outside the repository', () => {
    const files = [
      ...['src', 'adapters', 'test', 'docs', 'bench', 'templates', 'config', 'deploy', 'schemas'].flatMap((d) =>
        textFiles(path.join(ROOT, d)),
      ),
      path.join(ROOT, 'README.md'),
    ];
    assert.ok(files.length > 200, `only ${files.length} files read`);
    const found = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => (OUTSIDE.test(line) ? [`${path.relative(ROOT, file)}:${i + 1}: ${line.trim()}`] : [])),
    );
    assert.deepEqual(found, []);
  });
});
