import { strict as assert } from 'node:assert';
import * as sinon from 'sinon';
import { createSourceHttp, realClock, silentLogger, type AdapterContext, type Clock } from '../../../src/kit';
import { createLaunchDarklySource } from '../index';
import { fetchFlagMetadata, type RestApiSettings } from '../rest-api';
import { startFakeRelay, type FakeRelay } from './fake-relay';
import { startFakeRestApi, type FakeRestApi, type ScriptedAnswer } from './fake-rest-api';
import page1 from './fixtures/rest-flags-page1.json';
import page2 from './fixtures/rest-flags-page2.json';
import production from './fixtures/production.json';
import staging from './fixtures/staging.json';

const TOKEN = 'api-0d9f8e7c-6b5a-4321-9fed-cba987654321';
/** page2 as the whole list: one flag, no next link. */
const onlyPage = { ...page2, totalCount: 1 };

/** Records requested waits and returns at once: time is simulated, never slept. */
function recordingClock(now = 1_700_000_000_000): Clock & { waits: number[] } {
  const waits: number[] = [];
  return { waits, now: () => now, sleep: async (ms) => void waits.push(ms) };
}

function settings(url: string, overrides: Partial<RestApiSettings> = {}): RestApiSettings {
  return {
    baseUrl: url,
    token: TOKEN,
    projectKey: 'default',
    environmentKeys: ['production', 'staging'],
    pageSize: 1,
    maxRateLimitWaitSeconds: 60,
    ...overrides,
  };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('LaunchDarkly REST API metadata', () => {
  let api: FakeRestApi | undefined;
  const start = async (answers: ScriptedAnswer[], token = TOKEN) => (api = await startFakeRestApi(token, answers));
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  it('asks for the project with env filters, a page size and the token in Authorization', async () => {
    await start([{ status: 200, body: onlyPage }]);
    await fetchFlagMetadata(settings(api!.url), createSourceHttp({ clock: recordingClock() }), new AbortController().signal);
    assert.deepEqual(api!.requests, [
      { url: '/api/v2/flags/default?limit=1&summary=true&env=production&env=staging', authorization: TOKEN },
    ]);
  });

  it('follows _links.next until there is none', async () => {
    await start([
      { status: 200, body: page1 },
      { status: 200, body: page2 },
    ]);
    const flags = await fetchFlagMetadata(settings(api!.url), createSourceHttp({ clock: recordingClock() }), new AbortController().signal);
    assert.deepEqual([[...flags.keys()], api!.requests[1]!.url], [['PROJ-5-banner', 'checkout-v2'], page1._links.next.href]);
  });

  it('rejects when fewer flags were read than totalCount announced (a page lost or the list shifted)', async () => {
    await start([
      { status: 200, body: { ...page1, totalCount: 3 } },
      { status: 200, body: { ...page2, totalCount: 3 } },
    ]);
    const error = await rejection(
      fetchFlagMetadata(settings(api!.url), createSourceHttp({ clock: recordingClock() }), new AbortController().signal),
    );
    assert.match(
      error.message,
      /^LaunchDarkly REST API http:\/\/127\.0\.0\.1:\d+\/api\/v2\/flags\/default: flag list changed while paging \(totalCount 3, 2 distinct flags read\)$/,
    );
  });

  it('rejects when a flag comes again on the next page (the list shifted), though the item count matches', async () => {
    await start([
      { status: 200, body: page1 },
      { status: 200, body: { ...page2, items: page1.items } },
    ]);
    const error = await rejection(
      fetchFlagMetadata(settings(api!.url), createSourceHttp({ clock: recordingClock() }), new AbortController().signal),
    );
    assert.match(error.message, /flag list changed while paging \(totalCount 2, 1 distinct flags read\)$/);
  });

  it('rejects when totalCount changes from one page to the next', async () => {
    await start([
      { status: 200, body: page1 },
      { status: 200, body: { ...page2, items: [...page1.items, ...page2.items], totalCount: 3 } },
    ]);
    const error = await rejection(
      fetchFlagMetadata(settings(api!.url), createSourceHttp({ clock: recordingClock() }), new AbortController().signal),
    );
    assert.match(error.message, /flag list changed while paging \(totalCount went from 2 to 3\)$/);
  });

  it('waits out Retry-After on a 429 and asks for the same page again', async () => {
    await start([
      { status: 429, headers: { 'retry-after': '7' } },
      { status: 200, body: onlyPage },
    ]);
    const clock = recordingClock();
    const flags = await fetchFlagMetadata(settings(api!.url), createSourceHttp({ clock: clock }), new AbortController().signal);
    assert.deepEqual([clock.waits, api!.requests.length, flags.size], [[7000], 2, 1]);
  });

  it('fails on a second 429 for the same page', async () => {
    await start([{ status: 429, headers: { 'retry-after': '1' } }]);
    const error = await rejection(
      fetchFlagMetadata(settings(api!.url), createSourceHttp({ clock: recordingClock() }), new AbortController().signal),
    );
    assert.match(error.message, /^GET http:\/\/127\.0\.0\.1:\d+\/api\/v2\/flags\/default answered 429$/);
  });

  it('pauses until X-Ratelimit-Reset when the route limit is used up and more pages follow', async () => {
    const clock = recordingClock();
    const reset = String(clock.now() + 4500);
    await start([
      { status: 200, body: page1, headers: { 'x-ratelimit-route-remaining': '0', 'x-ratelimit-reset': reset } },
      { status: 200, body: page2 },
    ]);
    await fetchFlagMetadata(settings(api!.url), createSourceHttp({ clock: clock }), new AbortController().signal);
    assert.deepEqual(clock.waits, [4500]);
  });

  it('does not pause while requests remain', async () => {
    const clock = recordingClock();
    await start([
      { status: 200, body: page1, headers: { 'x-ratelimit-route-remaining': '3', 'x-ratelimit-reset': String(clock.now() + 4500) } },
      { status: 200, body: page2 },
    ]);
    await fetchFlagMetadata(settings(api!.url), createSourceHttp({ clock: clock }), new AbortController().signal);
    assert.deepEqual(clock.waits, []);
  });

  it('fails instead of waiting longer than allowed', async () => {
    await start([{ status: 429, headers: { 'retry-after': '600' } }]);
    const error = await rejection(
      fetchFlagMetadata(settings(api!.url), createSourceHttp({ clock: recordingClock() }), new AbortController().signal),
    );
    assert.match(error.message, /rate limited \(429\); it resets in 600 s, more than the 60 s allowed$/);
  });

  it('says the token was rejected on 401, without the token', async () => {
    await start([{ status: 200, body: page2 }], 'api-other-token');
    const error = await rejection(
      fetchFlagMetadata(settings(api!.url), createSourceHttp({ clock: recordingClock() }), new AbortController().signal),
    );
    assert.ok(/answered 401 \(API access token rejected\)$/.test(error.message) && !error.message.includes(TOKEN), error.message);
  });

  it('reports a malformed page with its path', async () => {
    await start([{ status: 200, body: { items: [{ name: 'no key' }] } }]);
    const error = await rejection(
      fetchFlagMetadata(settings(api!.url), createSourceHttp({ clock: recordingClock() }), new AbortController().signal),
    );
    assert.match(error.message, /response: items\[0\]\.key: expected string, but it is missing$/);
  });

  it('stops when a next link points back to a page already read', async () => {
    const loop = { ...page2, _links: { next: { href: '/api/v2/flags/default?limit=1&summary=true&env=production&env=staging' } } };
    await start([{ status: 200, body: loop }]);
    const error = await rejection(
      fetchFlagMetadata(settings(api!.url), createSourceHttp({ clock: recordingClock() }), new AbortController().signal),
    );
    assert.match(error.message, /paging does not end/);
  });
});

describe("the core's real clock (rate-limit waits)", () => {
  afterEach(() => sinon.restore());

  it('sleeps for the given time', async () => {
    const timers = sinon.useFakeTimers();
    let done = false;
    const sleeping = realClock.sleep(5000, new AbortController().signal).then(() => (done = true));
    await timers.tickAsync(4999);
    const before = done;
    await timers.tickAsync(1);
    await sleeping;
    assert.deepEqual([before, done], [false, true]);
  });

  it('stops sleeping when aborted', async () => {
    sinon.useFakeTimers();
    const controller = new AbortController();
    const sleeping = realClock.sleep(60_000, controller.signal);
    controller.abort();
    await assert.rejects(sleeping, /aborted/);
  });
});

describe('LaunchDarkly snapshot with REST enrichment', () => {
  let relay: FakeRelay;
  let api: FakeRestApi;
  const context: AdapterContext = { providerName: 'ld', configDir: '/tmp', logger: silentLogger, http: createSourceHttp() };
  beforeEach(async () => {
    relay = await startFakeRelay({ 'sdk-prod-1234': production, 'sdk-stg-5678': staging });
  });
  afterEach(async () => {
    await relay.close();
    await api.close();
  });

  const source = (apiUrl: string) =>
    createLaunchDarklySource(
      {
        name: 'ld',
        adapter: 'launchdarkly',
        baseUri: relay.url,
        initTimeoutSeconds: 2,
        environments: [
          { name: 'production', sdkKey: 'sdk-prod-1234' },
          { name: 'staging', sdkKey: 'sdk-stg-5678' },
        ],
        api: { token: TOKEN, baseUrl: apiUrl, pageSize: 1, issueKeysProperty: 'jira.issues' },
      },
      { ...context, http: createSourceHttp({ clock: recordingClock() }) },
    );

  it('adds name, description, tags, maintainer, change times and issue keys', async () => {
    api = await startFakeRestApi(TOKEN, [
      { status: 200, body: page1 },
      { status: 200, body: page2 },
    ]);
    const { flags } = await source(api.url).snapshot(new AbortController().signal);
    const checkout = flags.find((f) => f.key === 'checkout-v2')!;
    assert.deepEqual(
      [checkout.name, checkout.description, checkout.tags, checkout.issueKeys, checkout.lastUpdated],
      [
        'Checkout v2',
        'New checkout flow, see DEMO-12',
        ['payments', 'WEB-9', 'maintainer:pat@acme.com'],
        ['OPS-4'],
        '2026-01-02T00:00:00.000Z',
      ],
    );
  });

  it('rejects the whole snapshot when the flag list changed while paging', async () => {
    api = await startFakeRestApi(TOKEN, [
      { status: 200, body: page1 },
      { status: 200, body: { ...page2, totalCount: 3 } },
    ]);
    const error = await rejection(source(api.url).snapshot(new AbortController().signal));
    assert.match(
      error.message,
      /^ld: REST API: LaunchDarkly REST API http:\/\/127\.0\.0\.1:\d+\/api\/v2\/flags\/default: flag list changed while paging/,
    );
  });

  it('rejects the whole snapshot when the REST API fails, naming it', async () => {
    api = await startFakeRestApi(TOKEN, [{ status: 503 }]);
    const error = await rejection(source(api.url).snapshot(new AbortController().signal));
    assert.match(error.message, /^ld: REST API: GET http:\/\/127\.0\.0\.1:\d+\/api\/v2\/flags\/default answered 503$/);
  });
});
