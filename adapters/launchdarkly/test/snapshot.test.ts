import { strict as assert } from 'node:assert';
import type { NormalizedFlag } from '../../../src/kit/flag';
import { createSourceHttp, silentLogger, SourceError, type AdapterContext } from '../../../src/kit';
import { adapter as launchdarklyAdapter, createLaunchDarklySource } from '../index';
import type { LaunchDarklyOptions } from '../options';
import { relayOptions, startFakeRelay, unusedPortUrl, type FakeRelay } from './fake-relay';
import production from './fixtures/production.json';
import staging from './fixtures/staging.json';

const PROD_KEY = 'sdk-7f3c2a10-prod-4b1e';
const STAGING_KEY = 'sdk-91d0e5b2-stg-8c4a';
const context: AdapterContext = { providerName: 'ld', configDir: '/tmp', logger: silentLogger, http: createSourceHttp() };

function options(baseUri: string, overrides: Partial<LaunchDarklyOptions> = {}): LaunchDarklyOptions {
  return relayOptions(baseUri, { production: PROD_KEY, staging: STAGING_KEY }, { projectKey: 'default', ...overrides });
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the snapshot to reject');
}

function detail(flags: readonly NormalizedFlag[], key: string, env: string) {
  return flags.find((f) => f.key === key)?.environments.find((e) => e.name === env);
}

describe('LaunchDarkly adapter against a polling Relay Proxy on loopback', () => {
  let relay: FakeRelay;
  beforeEach(async () => {
    relay = await startFakeRelay({ [PROD_KEY]: production, [STAGING_KEY]: staging });
  });
  afterEach(() => relay.close());

  it('reads every environment with its own SDK key from /sdk/latest-all', async () => {
    await createLaunchDarklySource(options(relay.url), context).snapshot(new AbortController().signal);
    assert.deepEqual(
      relay.requests.map((r) => `${r.path} ${r.authorization}`).sort(),
      [`/sdk/latest-all ${PROD_KEY}`, `/sdk/latest-all ${STAGING_KEY}`].sort(),
    );
  });

  it('maps the banner flag of the issue: 40% in production, off with "false" in staging', async () => {
    const { flags } = await createLaunchDarklySource(options(relay.url), context).snapshot(new AbortController().signal);
    assert.deepEqual(
      [detail(flags, 'PROJ-5-banner', 'production'), detail(flags, 'PROJ-5-banner', 'staging')],
      [
        {
          name: 'production',
          enabled: true,
          defaultValue: 'false',
          url: 'https://app.launchdarkly.com/projects/default/flags/PROJ-5-banner/targeting?env=production',
          rollout: { percentage: 40 },
        },
        {
          name: 'staging',
          enabled: false,
          defaultValue: 'false',
          url: 'https://app.launchdarkly.com/projects/default/flags/PROJ-5-banner/targeting?env=staging',
        },
      ],
    );
  });

  it('describes rules, individual targets and prerequisites', async () => {
    const { flags } = await createLaunchDarklySource(options(relay.url), context).snapshot(new AbortController().signal);
    assert.deepEqual(
      [detail(flags, 'checkout-v2', 'production')?.rollout, detail(flags, 'search-ranking', 'production')?.rollout],
      [
        { rules: 2, text: '4 targeted contexts; 2 rules; default rule: 0% true' },
        { rules: 0, text: 'requires checkout-v2; default rule: 100% true' },
      ],
    );
  });

  it('shows a flag whose prerequisite is off in an environment as off there: the SDK serves its off variation to everyone', async () => {
    await relay.close();
    const parentOff = { ...staging, flags: { ...staging.flags, 'checkout-v2': { ...staging.flags['checkout-v2'], on: false } } };
    relay = await startFakeRelay({ [PROD_KEY]: production, [STAGING_KEY]: parentOff });
    const { flags } = await createLaunchDarklySource(options(relay.url), context).snapshot(new AbortController().signal);
    assert.deepEqual(
      [detail(flags, 'search-ranking', 'production')?.enabled, detail(flags, 'search-ranking', 'staging')],
      [
        true,
        {
          name: 'staging',
          enabled: false,
          defaultValue: 'false',
          url: 'https://app.launchdarkly.com/projects/default/flags/search-ranking/targeting?env=staging',
        },
      ],
    );
  });

  it('shows a flag whose prerequisite is on but serves the required variation to no one as off there', async () => {
    await relay.close();
    const checkout = staging.flags['checkout-v2'];
    const servesFalse = { ...staging, flags: { ...staging.flags, 'checkout-v2': { ...checkout, fallthrough: { variation: 1 } } } };
    relay = await startFakeRelay({ [PROD_KEY]: production, [STAGING_KEY]: servesFalse });
    const { flags } = await createLaunchDarklySource(options(relay.url), context).snapshot(new AbortController().signal);
    assert.deepEqual(
      [
        detail(flags, 'checkout-v2', 'staging')?.enabled,
        detail(flags, 'search-ranking', 'production')?.enabled,
        detail(flags, 'search-ranking', 'staging'),
      ],
      [
        true,
        true,
        {
          name: 'staging',
          enabled: false,
          defaultValue: 'false',
          url: 'https://app.launchdarkly.com/projects/default/flags/search-ranking/targeting?env=staging',
        },
      ],
    );
  });

  it('reports multivariate rollouts by the configured on values', async () => {
    const source = createLaunchDarklySource(options(relay.url, { onValues: { 'new-pricing': ['treatment-a', 'treatment-b'] } }), context);
    const { flags } = await source.snapshot(new AbortController().signal);
    assert.deepEqual(detail(flags, 'new-pricing', 'production')?.rollout, { percentage: 50 });
  });

  it('leaves out the deleted flag and tags every flag with the provider name', async () => {
    const { flags } = await createLaunchDarklySource(options(relay.url), context).snapshot(new AbortController().signal);
    assert.deepEqual(
      flags.map((f) => [f.key, f.provider]),
      [
        ['PROJ-5-banner', 'ld'],
        ['checkout-v2', 'ld'],
        ['new-pricing', 'ld'],
        ['rate-limits', 'ld'],
        ['search-ranking', 'ld'],
      ],
    );
  });

  it('reads the same data in streaming mode (streamUri defaults to baseUri)', async () => {
    const { flags } = await createLaunchDarklySource(options(relay.url, { stream: true }), context).snapshot(new AbortController().signal);
    assert.deepEqual(
      [relay.requests.map((r) => r.path), detail(flags, 'PROJ-5-banner', 'production')?.rollout],
      [['/all', '/all'], { percentage: 40 }],
    );
  });

  it('rejects with a SourceError naming provider and environment for a bad SDK key, without the key', async () => {
    const bad = options(relay.url, {
      environments: [
        { name: 'production', sdkKey: PROD_KEY },
        { name: 'staging', sdkKey: 'sdk-wrong-0000' },
      ],
    });
    const error = await rejection(createLaunchDarklySource(bad, context).snapshot(new AbortController().signal));
    assert.ok(error instanceof SourceError && error.provider === 'ld', String(error));
    assert.match(error.message, /^ld: environment "staging": SDK key rejected \(401\) by http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(!error.message.includes('sdk-wrong-0000'));
  });

  it('rejects a bad SDK key in streaming mode too', async () => {
    const bad = options(relay.url, { stream: true, environments: [{ name: 'production', sdkKey: 'sdk-wrong-1111' }] });
    const error = await rejection(createLaunchDarklySource(bad, context).snapshot(new AbortController().signal));
    assert.match(error.message, /^ld: environment "production": SDK key rejected \(401\) by http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('rejects when the Relay Proxy keeps answering 500, within the init timeout', async () => {
    relay.failWith(PROD_KEY, 500);
    const error = await rejection(
      createLaunchDarklySource(options(relay.url, { initTimeoutSeconds: 0.5 }), context).snapshot(new AbortController().signal),
    );
    assert.match(
      error.message,
      /^ld: environment "production": no flag data from http:\/\/127\.0\.0\.1:\d+ within 0\.5 s \(last problem: Received error 500/,
    );
  });

  it('rejects when the snapshot is aborted', async () => {
    const controller = new AbortController();
    relay.failWith(PROD_KEY, 503);
    relay.failWith(STAGING_KEY, 503);
    const pending = createLaunchDarklySource(options(relay.url, { initTimeoutSeconds: 2 }), context).snapshot(controller.signal);
    controller.abort();
    const error = await rejection(pending);
    assert.equal(error.message, 'ld: snapshot aborted');
  });
});

describe('LaunchDarkly adapter with the Relay Proxy down', () => {
  it('rejects naming the failed environment once the init timeout passes, never with an empty list', async () => {
    const url = await unusedPortUrl();
    const error = await rejection(
      createLaunchDarklySource(options(url, { initTimeoutSeconds: 0.5 }), context).snapshot(new AbortController().signal),
    );
    assert.match(
      error.message,
      /^ld: environment "(production|staging)": no flag data from .* within 0\.5 s \(last problem: Received I\/O error \(connect ECONNREFUSED/,
    );
  });

  it('does not take a 401 in the address (port 401) for a rejected SDK key', async () => {
    // Nothing listens on port 401 here: the connection is refused, as at any unused port.
    const error = await rejection(
      createLaunchDarklySource(options('http://127.0.0.1:401', { initTimeoutSeconds: 0.5 }), context).snapshot(
        new AbortController().signal,
      ),
    );
    assert.match(error.message, /no flag data from http:\/\/127\.0\.0\.1:401 within 0\.5 s \(last problem: Received I\/O error/);
  });

  it('keeps the SDK keys out of the error', async () => {
    const url = await unusedPortUrl();
    const error = await rejection(
      createLaunchDarklySource(options(url, { initTimeoutSeconds: 0.5 }), context).snapshot(new AbortController().signal),
    );
    assert.ok(!error.message.includes(PROD_KEY) && !error.message.includes(STAGING_KEY), error.message);
  });
});

describe('launchdarklyAdapter factory', () => {
  it('has the contract shape and creates a source reporting its environments', () => {
    const source = launchdarklyAdapter.create(options('http://127.0.0.1:1'), context);
    assert.deepEqual(
      [launchdarklyAdapter.name, launchdarklyAdapter.contractVersion, source.environments],
      ['launchdarkly', 2, ['production', 'staging']],
    );
  });
});
