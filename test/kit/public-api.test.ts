import { strict as assert } from 'node:assert';
import { DEFAULT_LINKING, linkedDevinfo, type ConditionalGetOptions, type LinkedRepository, type LinkingOptions } from '../../src';

/**
 * What an adapter's own tests name from the package entry (`flagsync`): the types of what the kit's functions take and
 * return, and the default linking to change one setting of. This file compiling is most of the check.
 */
describe('the package entry for adapter authors', () => {
  it('exports the default linking, so a test can change one setting of it', () => {
    const onlyKeys: LinkingOptions = { ...DEFAULT_LINKING, description: false };
    assert.deepEqual(onlyKeys, { tags: true, key: true, name: true, description: false });
  });

  it("names the types of linkedDevinfo's result and of conditionalGetVersion's options", () => {
    const repository = { id: 'web', name: 'web', url: 'https://git.example/web', branches: [], commits: [] };
    const linked: readonly LinkedRepository[] = linkedDevinfo({ repositories: [repository] }).repositories;
    const options: ConditionalGetOptions = { headers: { authorization: 'Bearer x' } };
    assert.deepEqual([linked.length, options.headers], [1, { authorization: 'Bearer x' }]);
  });
});
