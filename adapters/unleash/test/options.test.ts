import { strict as assert } from 'node:assert';
import { providerProblems } from '../../../src/kit/testing';
import { adapter } from '..';

/** The provider entry the issue documents, as the config loader hands it over (secrets resolved). */
const issueEntry = {
  name: 'unleash',
  adapter: 'unleash',
  url: 'http://127.0.0.1:4242/api',
  adminToken: '*:*.resolved-secret',
  project: 'default',
  uiUrl: 'http://127.0.0.1:4242',
  environments: [
    { name: 'production', type: 'production' },
    { name: 'development', type: 'development' },
  ],
};

/** What `flagsync validate` reports for the entry: the core's shared checks and the adapter's own keys. */
const problems = (value: Record<string, unknown>) => providerProblems(adapter, value);

describe('Unleash adapter options', function () {
  it('accepts the Admin API config of the issue as written', function () {
    assert.deepEqual(problems(issueEntry), []);
  });

  it('accepts client-token mode with a clientToken on every environment', function () {
    const { adminToken: _, ...rest } = issueEntry;
    const environments = rest.environments.map((e) => ({ ...e, clientToken: `default:${e.name}.x` }));
    assert.deepEqual(problems({ ...rest, environments }), []);
  });

  it('rejects client-token mode with an environment lacking its clientToken', function () {
    const { adminToken: _, ...rest } = issueEntry;
    const environments = [{ name: 'production', clientToken: 'default:production.x' }, { name: 'development' }];
    assert.deepEqual(problems({ ...rest, environments }), ['providers[0]: expected an adminToken, or a clientToken on every environment']);
  });

  it('names a bad URL readably', function () {
    assert.deepEqual(problems({ ...issueEntry, url: 'foo' }), ['providers[0].url: expected a URL, got "foo"']);
  });

  it('rejects duplicate environment names', function () {
    assert.deepEqual(problems({ ...issueEntry, environments: [{ name: 'production' }, { name: 'production' }] }), [
      'providers[0].environments[1].name: "production" is already the name of providers[0].environments[0]',
    ]);
  });

  it('rejects a page size above what Unleash serves', function () {
    assert.deepEqual(problems({ ...issueEntry, pageSize: 500 }), ['providers[0].pageSize: expected an integer 1..100, got 500']);
  });
});
