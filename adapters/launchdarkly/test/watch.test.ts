import { strict as assert } from 'node:assert';
import { integrations } from '@launchdarkly/node-server-sdk';
import { createSourceHttp, silentLogger, type FlagSource } from '../../../src/kit';
import { createLaunchDarklySource } from '../index';
import type { LaunchDarklyOptions } from '../options';
import { startFakeRelay, type FakeRelay } from './fake-relay';
import production from './fixtures/production.json';

/**
 * Watch mode of the LaunchDarkly adapter: the SDK's streaming connection to a stand-in Relay Proxy on loopback
 * (`GET /all`, a `put`, then `patch` events), and the SDK's own TestData source. "Nothing announced" is checked over
 * a window after the stream is open.
 */
const QUIET_WINDOW_MS = 500;
const PROD_KEY = 'sdk-watch-production';
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function counter(): { count: () => number; next: () => Promise<void>; onChange: () => void } {
  let count = 0;
  let waiting: Array<() => void> = [];
  return {
    count: () => count,
    next: () => new Promise<void>((resolve) => waiting.push(resolve)),
    onChange: () => {
      count++;
      const now = waiting;
      waiting = [];
      now.forEach((resolve) => resolve());
    },
  };
}

describe('LaunchDarkly watch', () => {
  let controller: AbortController;
  let relay: FakeRelay | undefined;
  beforeEach(() => (controller = new AbortController()));
  afterEach(async () => {
    controller.abort();
    await relay?.close();
    relay = undefined;
  });

  const context = { providerName: 'ld', configDir: '/tmp', logger: silentLogger, http: createSourceHttp() };
  /** One production environment read from the Relay stand-in at `baseUri` with `sdkKey`. */
  const streamingFrom = (baseUri: string, sdkKey: string): LaunchDarklyOptions => ({
    name: 'ld',
    adapter: 'launchdarkly',
    baseUri,
    initTimeoutSeconds: 5,
    environments: [{ name: 'production', sdkKey }],
  });

  it("announces a flag update streamed by the Relay Proxy, and nothing for the stream's first data set", async () => {
    relay = await startFakeRelay({ [PROD_KEY]: production });
    const options = streamingFrom(relay.url, PROD_KEY);
    const adapter: FlagSource = createLaunchDarklySource(options, context);
    const seen = counter();
    await adapter.watch!(seen.onChange, controller.signal, 1000);
    assert.ok(
      relay.requests.some((r) => r.path === '/all' && r.authorization === PROD_KEY),
      'the watch streams',
    );
    await pause(QUIET_WINDOW_MS);
    assert.equal(seen.count(), 0);
    const next = seen.next();
    const banner = production.flags['PROJ-5-banner'];
    relay.patchFlag(PROD_KEY, 'PROJ-5-banner', { ...banner, on: false, version: banner.version + 1 });
    await next;
    assert.equal(seen.count(), 1);
  });

  it("announces a change fed through the SDK's TestData source, and stops at abort", async () => {
    const td = new integrations.TestData();
    await td.update(td.flag('WEB-3-dark-mode').booleanFlag().variationForAll(true));
    const options: LaunchDarklyOptions = {
      name: 'ld',
      adapter: 'launchdarkly',
      initTimeoutSeconds: 2,
      environments: [{ name: 'production', sdkKey: 'sdk-td' }],
    };
    const adapter = createLaunchDarklySource(options, context, { updateProcessorFor: () => td.getFactory() });
    const seen = counter();
    await adapter.watch!(seen.onChange, controller.signal, 1000);
    assert.equal(seen.count(), 0);
    const next = seen.next();
    await td.update(td.flag('WEB-3-dark-mode').booleanFlag().on(false));
    await next;
    assert.equal(seen.count(), 1);
    controller.abort();
    await td.update(td.flag('WEB-3-dark-mode').booleanFlag().on(true));
    await pause(50);
    assert.equal(seen.count(), 1);
  });
  it('fails at start when the SDK gives up for good (a refused SDK key), instead of waiting for data that never comes', async () => {
    relay = await startFakeRelay({ [PROD_KEY]: production });
    const options = streamingFrom(relay.url, 'sdk-revoked-key');
    const adapter: FlagSource = createLaunchDarklySource(options, context);
    const started = Date.now();
    await assert.rejects(
      adapter.watch!(() => undefined, controller.signal, 1000),
      /environment production: Authentication failed/,
    );
    assert.ok(Date.now() - started < 4000, 'not after the init timeout');
  });
});
