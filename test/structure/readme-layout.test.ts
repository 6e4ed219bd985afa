import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './import-graph';

/** The README's Layout section names every top-level folder and every folder of src/, so it cannot fall behind. */
function layoutSection(): string {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## Layout');
  assert.ok(start >= 0, 'README.md has no "## Layout" section');
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

const folders = (dir: string) =>
  readdirSync(path.join(ROOT, dir), { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !['node_modules', 'dist'].includes(e.name))
    .map((e) => (dir === '.' ? `${e.name}/` : `${dir}/${e.name}/`));

describe("README's Layout section", () => {
  const layout = layoutSection();

  it('lists every top-level folder', () => {
    assert.deepEqual(
      folders('.').filter((f) => !layout.includes(f.replace(/\/$/, '')) || !new RegExp(`(^|\\s)${f}`, 'm').test(layout)),
      [],
    );
  });

  it('lists every folder of src/', () => {
    assert.deepEqual(
      folders('src').filter((f) => !layout.includes(f)),
      [],
    );
  });
});
