import { strict as assert } from 'node:assert';
import { integrations } from '@launchdarkly/node-server-sdk';
import { createSourceHttp, silentLogger, type AdapterContext } from '../../../src/kit';
import { createLaunchDarklySource } from '../index';
import type { LaunchDarklyOptions } from '../options';
import production from './fixtures/production.json';

/**
 * The SDK's own TestData source feeds the client through the SDK's data pipeline (builder → data source → our
 * feature store), proving the mapping reads what the SDK itself produces, not just our fixtures.
 */
const context: AdapterContext = { providerName: 'ld-td', configDir: '/tmp', logger: silentLogger, http: createSourceHttp() };
const options: LaunchDarklyOptions = {
  name: 'ld-td',
  adapter: 'launchdarkly',
  projectKey: 'web',
  initTimeoutSeconds: 2,
  environments: [
    { name: 'production', sdkKey: 'sdk-td-prod' },
    { name: 'staging', sdkKey: 'sdk-td-staging' },
  ],
};

async function snapshotWith(sources: Record<string, integrations.TestData>) {
  const source = createLaunchDarklySource(options, context, { updateProcessorFor: (env) => sources[env.name]!.getFactory() });
  return (await source.snapshot(new AbortController().signal)).flags;
}

describe('LaunchDarkly adapter fed by the SDK TestData source', () => {
  let prod: integrations.TestData;
  let staging: integrations.TestData;
  beforeEach(() => {
    prod = new integrations.TestData();
    staging = new integrations.TestData();
  });

  it('maps a builder flag served to everyone as 100% on', async () => {
    await prod.update(prod.flag('WEB-3-dark-mode').booleanFlag().variationForAll(true));
    await staging.update(staging.flag('WEB-3-dark-mode').booleanFlag().variationForAll(true));
    const [flag] = await snapshotWith({ production: prod, staging });
    assert.deepEqual(flag!.environments[0], {
      name: 'production',
      enabled: true,
      defaultValue: 'false',
      url: 'https://app.launchdarkly.com/projects/web/flags/WEB-3-dark-mode/targeting?env=production',
      rollout: { percentage: 100 },
    });
  });

  it('maps a builder flag turned off as disabled with the off value', async () => {
    await prod.update(prod.flag('WEB-3-dark-mode').booleanFlag().on(false));
    await staging.update(staging.flag('WEB-3-dark-mode').booleanFlag().on(false));
    const [flag] = await snapshotWith({ production: prod, staging });
    assert.deepEqual([flag!.environments[1]!.enabled, flag!.environments[1]!.defaultValue], [false, 'false']);
  });

  it('counts builder rules and individual targets', async () => {
    await prod.update(
      prod
        .flag('WEB-4-search')
        .booleanFlag()
        .fallthroughVariation(false)
        .variationForUser('alice', true)
        .ifMatch('user', 'country', 'DE', 'FR')
        .thenReturn(true),
    );
    await staging.update(staging.flag('WEB-4-search').booleanFlag().variationForAll(false));
    const [flag] = await snapshotWith({ production: prod, staging });
    assert.deepEqual(flag!.environments[0]!.rollout, { rules: 1, text: '1 targeted context; 1 rule; default rule: 0% true' });
  });

  it('maps a preconfigured flag with a fallthrough rollout to its percentage', async () => {
    await prod.usePreconfiguredFlag(production.flags['PROJ-5-banner']);
    await staging.usePreconfiguredFlag({ ...production.flags['PROJ-5-banner'], on: false });
    const [flag] = await snapshotWith({ production: prod, staging });
    assert.deepEqual(
      flag!.environments.map((e) => [e.name, e.enabled, e.rollout?.percentage]),
      [
        ['production', true, 40],
        ['staging', false, undefined],
      ],
    );
  });

  it('keeps environments apart: a flag only one environment has gets only that detail', async () => {
    await prod.update(prod.flag('only-in-prod').booleanFlag().variationForAll(true));
    await staging.update(staging.flag('only-in-staging').booleanFlag().variationForAll(true));
    const flags = await snapshotWith({ production: prod, staging });
    assert.deepEqual(
      flags.map((f) => [f.key, f.environments.map((e) => e.name)]),
      [
        ['only-in-prod', ['production']],
        ['only-in-staging', ['staging']],
      ],
    );
  });
});
