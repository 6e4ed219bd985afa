import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

/** Runs `code` in a fresh node (tsx loaded, as the tests are), printing its JSON; the parent already holds axios. */
function inFreshNode(code: string): unknown {
  const out = execFileSync(process.execPath, ['--require', 'tsx/cjs', '--eval', code], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out) as unknown;
}

describe('loadAxios', () => {
  it('loads axios without node loading undici (its fetch), and leaves the fetch globals as they were', () => {
    const answer = inFreshNode(`
      const before = ['fetch', 'Request', 'Response', 'Headers', 'FormData'].map((n) => Object.getOwnPropertyDescriptor(globalThis, n));
      const axios = require('./src/jira/load-axios').loadAxios().default;
      const undici = () => process.moduleLoadList.some((m) => m.includes('undici'));
      const loadedWithAxios = undici();
      const after = ['fetch', 'Request', 'Response', 'Headers', 'FormData'].map((n) => Object.getOwnPropertyDescriptor(globalThis, n));
      const same = before.every((d, i) => d.get === after[i].get && d.value === after[i].value && d.configurable === after[i].configurable && d.enumerable === after[i].enumerable);
      const fetchWorks = typeof Request === 'function' && new Request('http://127.0.0.1/').method === 'GET';
      console.log(JSON.stringify({ create: typeof axios.create, loadedWithAxios, same, fetchWorks, loadedAfterUse: undici() }));
    `);
    assert.deepEqual(answer, { create: 'function', loadedWithAxios: false, same: true, fetchWorks: true, loadedAfterUse: true });
  });

  it('a plain require of axios does load undici (what loadAxios avoids)', () => {
    const answer = inFreshNode(`
      require('axios');
      console.log(JSON.stringify(process.moduleLoadList.some((m) => m.includes('undici'))));
    `);
    assert.equal(answer, true);
  });
});
