import * as assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { ADAPTER_CONTRACT_VERSION } from '../../src/kit/contract';
import { BUILT_IN_ADAPTERS, createAdapterRegistry } from '../../src/adapter-host/registry';

/** The registry lists exactly the adapter folders, and each one has the contract's shape. */
const adaptersDir = path.resolve(__dirname, '..', '..', 'adapters');

describe('built-in adapter registry', () => {
  it('lists exactly the folders under adapters/', () => {
    const folders = readdirSync(adaptersDir).filter((f) => statSync(path.join(adaptersDir, f)).isDirectory());
    assert.deepEqual([...BUILT_IN_ADAPTERS].sort(), folders.sort());
  });

  it('does not take Object.prototype members for adapters', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty'])
      assert.equal(createAdapterRegistry().get(name), undefined, name);
  });

  for (const name of BUILT_IN_ADAPTERS) {
    it(`loads "${name}" as a contract v${ADAPTER_CONTRACT_VERSION} factory named "${name}"`, () => {
      const factory = createAdapterRegistry().get(name);
      assert.equal(factory?.name, name);
      assert.equal(factory?.contractVersion, ADAPTER_CONTRACT_VERSION);
    });
  }
});
