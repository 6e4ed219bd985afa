import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { digestOf, sourceDigest } from '../digest';

describe('flagd source digest', () => {
  it("is xxHash64 in 16 hex digits (the algorithm's published values)", async () => {
    assert.equal(await digestOf(''), 'ef46db3751d8e999');
    assert.equal(await digestOf('a'), 'd24ec4f1a98c6e5b');
  });

  it('is the same whether the bytes come whole, as text, or in pieces of any size; other bytes give another', async () => {
    const bytes = randomBytes(3 * (1 << 20) + 12_345);
    const whole = await digestOf(bytes);
    for (const size of [1000, 65_536, 1 << 20, 5 << 20]) {
      const streamed = await sourceDigest();
      for (let at = 0; at < bytes.length; at += size) streamed.update(bytes.subarray(at, at + size));
      assert.equal(streamed.digest(), whole, `pieces of ${size}`);
    }
    assert.equal(await digestOf('bänner ✓'), await digestOf(Buffer.from('bänner ✓', 'utf8')));
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 1, bytes.length - 1);
    assert.notEqual(await digestOf(bytes), whole);
  });

  it('is sha1 where node runs without WebAssembly (--jitless), instead of failing every read and watch', () => {
    const root = path.join(__dirname, '..', '..', '..');
    const code = "require('./adapters/flagd/digest').digestOf('a').then((d) => console.log(typeof WebAssembly, d))";
    const out = execFileSync(process.execPath, ['--jitless', '--require', 'tsx/cjs', '--eval', code], { cwd: root, encoding: 'utf8' });
    assert.equal(out.trim(), 'undefined hvfkN_qlp_zhXR3cuerq6jd2Z7g');
  });
});
