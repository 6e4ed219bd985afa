import { strict as assert } from 'node:assert';
import { conditionalGetVersion, type FlagSource } from '../../../src/kit';
import { flagSourceFromEntry } from '../../../src/kit/testing';
import { adapter as unleashAdapter } from '../index';
import { startUnleash, type UnleashServer } from './harness';
import { UnleashSeeder } from './seed';

/**
 * Watch mode against a real Unleash server (7.5): client tokens poll the client API with If-None-Match, the Admin
 * API polls the newest event. "Nothing announced" is checked over a window of many polls.
 */
const POLL_MS = 100;
const QUIET_WINDOW_MS = 1500;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Unleash watch (real server)', function () {
  this.timeout(60_000);
  let server: UnleashServer;
  let seed: UnleashSeeder;
  let controller: AbortController;
  // New flags start disabled; each test switches it the other way.
  let enabled = false;

  before(async function () {
    this.timeout(180_000);
    server = await startUnleash();
    seed = new UnleashSeeder(server);
    await seed.createFlag('PROJ-1-watched');
    await seed.addStrategy('PROJ-1-watched', 'production', { name: 'default' });
  });
  after(() => server?.stop());
  beforeEach(() => (controller = new AbortController()));
  afterEach(() => controller.abort());

  function adapter(entry: Record<string, unknown>): FlagSource {
    return flagSourceFromEntry(unleashAdapter, { name: 'u', url: server.apiUrl, ...entry });
  }

  async function watchCount(source: FlagSource): Promise<{ count: () => number; next: () => Promise<void> }> {
    let count = 0;
    let waiting: Array<() => void> = [];
    await source.watch!(
      () => {
        count++;
        waiting.splice(0).forEach((resolve) => resolve());
        waiting = [];
      },
      controller.signal,
      POLL_MS,
    );
    return { count: () => count, next: () => new Promise<void>((resolve) => waiting.push(resolve)) };
  }

  it('the client API answers our If-None-Match with 304 while nothing changed', async () => {
    const url = `${server.apiUrl}/client/features`;
    const headers = { Authorization: server.clientTokens.production };
    const first = await conditionalGetVersion(url, 'client features', undefined, controller.signal, { headers });
    assert.ok('version' in first && first.version.startsWith('etag:'), JSON.stringify(first));
    assert.deepEqual(await conditionalGetVersion(url, 'client features', first.version, controller.signal, { headers }), {
      unchanged: true,
    });
  });

  for (const mode of ['client tokens', 'Admin API'] as const) {
    it(`${mode}: announces nothing while nothing changes, and a flag switched in production once`, async () => {
      const entry =
        mode === 'Admin API'
          ? { adminToken: server.adminToken, environments: [{ name: 'production' }] }
          : { environments: [{ name: 'production', clientToken: server.clientTokens.production }] };
      const seen = await watchCount(adapter(entry));
      await pause(QUIET_WINDOW_MS);
      assert.equal(seen.count(), 0);
      const next = seen.next();
      enabled = !enabled;
      await seed.setEnabled('PROJ-1-watched', 'production', enabled);
      await next;
      assert.equal(seen.count(), 1);
    });
  }
});
