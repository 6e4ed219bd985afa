import * as assert from 'node:assert/strict';
import { InvalidSnapshotError, snapshotProblems, validateSnapshot } from '../../src/kit/snapshot-check';

const flag = (extra: Record<string, unknown> = {}) => ({
  provider: 'shop',
  key: 'dark-mode',
  tags: [],
  issueKeys: [],
  environments: [{ name: 'production', enabled: true }],
  ...extra,
});

describe('snapshot check', () => {
  it('names the provider, the adapter and the field of a wrongly typed value', () => {
    const bad = {
      flags: [flag(), flag({ key: 'b' }), flag({ key: 'c' }), flag({ key: 'd', environments: [{ name: 'production', enabled: 'yes' }] })],
    };
    assert.throws(
      () => validateSnapshot(bad, { provider: 'shop', adapter: 'flipt' }),
      (error: unknown) => {
        assert.ok(error instanceof InvalidSnapshotError);
        assert.equal(
          error.message,
          'provider "shop" (adapter flipt): invalid snapshot: flags[3].environments[0].enabled: expected boolean',
        );
        return true;
      },
    );
  });

  it('never prints the offending value', () => {
    const problems = snapshotProblems({ flags: [flag({ key: 'secret-looking-value-123', tags: 'oops-secret' })] }, { provider: 'shop' });
    assert.ok(!problems.join(' ').includes('oops-secret'));
  });

  it('reports a flag carrying another provider name', () => {
    assert.deepEqual(snapshotProblems({ flags: [flag({ provider: 'other' })] }, { provider: 'shop' }), [
      'flags[0].provider: expected "shop" (the provider\'s name from config)',
    ]);
  });

  it('reports a missing flags list', () => {
    assert.deepEqual(snapshotProblems([], { provider: 'shop' }), ['(root): expected FlagSnapshot']);
  });

  it('tolerates a duplicate key unless strict (the run warns and keeps the first)', () => {
    const twice = { flags: [flag(), flag()] };
    assert.deepEqual(snapshotProblems(twice, { provider: 'shop' }), []);
    assert.deepEqual(snapshotProblems(twice, { provider: 'shop', strict: true }), [
      'flags[1].key: "dark-mode" already appears at flags[0] (one entry per flag, environments inside it)',
    ]);
  });

  it('when strict, reports an environment the adapter does not list', () => {
    const problems = snapshotProblems(
      { flags: [flag({ environments: [{ name: 'qa', enabled: true }] })] },
      { provider: 'shop', environments: ['production'], strict: true },
    );
    assert.deepEqual(problems, ['flags[0].environments[0].name: "qa" is not one of the adapter\'s environments (production)']);
  });
});
