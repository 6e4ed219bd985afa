import { strict as assert } from 'node:assert';
import { isRight } from 'fp-ts/Either';
import { parse } from 'yaml';
import { describeErrors } from '../../../src/kit';
import { providerProblems } from '../../../src/kit/testing';
import { adapter } from '../index';
import { LaunchDarklyOptionsCodec } from '../options';

/** The provider entry from the issue, with the secret references already resolved as the core does. */
const issueConfig = parse(`
name: ld
adapter: launchdarkly
baseUri: http://127.0.0.1:8030
stream: false
projectKey: default
environments:
  - name: production
    type: production
    sdkKey: sdk-resolved-prod
  - name: staging
    type: staging
    sdkKey: sdk-resolved-staging
`) as Record<string, unknown>;

function problems(value: unknown): string[] {
  const result = LaunchDarklyOptionsCodec.decode(value);
  return isRight(result) ? [] : describeErrors(result.left, { prefix: 'providers[0]' });
}

describe('LaunchDarkly options codec', () => {
  it('accepts the config from the issue as written', () => {
    assert.deepEqual(problems(issueConfig), []);
  });

  it('names a bad URL readably, without printing the value', () => {
    assert.deepEqual(problems({ ...issueConfig, baseUri: 'relay:8030' }), ['providers[0].baseUri: expected a URL']);
  });

  it('requires at least one environment (the core checks it for every flag source), since an empty snapshot would delete everything', () => {
    assert.deepEqual(providerProblems(adapter, { ...issueConfig, environments: [] }), ['providers[0]: expected at least one environment']);
  });

  it('requires an SDK key per environment', () => {
    assert.deepEqual(problems({ ...issueConfig, environments: [{ name: 'production' }] }), [
      'providers[0].environments[0].sdkKey: expected a non-empty string, but it is missing',
    ]);
  });

  it('checks the REST API settings', () => {
    assert.deepEqual(problems({ ...issueConfig, api: { token: 'api-x', pageSize: 500 } }), [
      'providers[0].api.pageSize: expected an integer from 1 to 100',
    ]);
  });
});
