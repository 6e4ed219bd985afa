import { strict as assert } from 'node:assert';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createSourceHttp, silentLogger, type AdapterContext } from '../../../src/kit';
import { decodeFlagEntries } from '../flag-entries';
import { createLaunchDarklySource } from '../index';
import type { LaunchDarklyOptions } from '../options';
import { fetchFlagMetadata } from '../rest-api';
import { relayOptions, startFakeRelay, type EnvironmentData, type FakeRelay } from './fake-relay';
import { startFakeRestApi, type FakeRestApi } from './fake-rest-api';
import page2 from './fixtures/rest-flags-page2.json';
import production from './fixtures/production.json';
import staging from './fixtures/staging.json';

/**
 * One malformed flag among good ones, as the SDK stores it: the snapshot keeps the good flags and lists the bad one
 * in `skipped` by key, so the core neither syncs wrong data nor deletes the flag in Jira.
 */
const PROD_KEY = 'sdk-3a7c-prod-bad-flag';
const STAGING_KEY = 'sdk-8e2d-stg-bad-flag';
const TOKEN = 'api-bad-flag-0000';
const context: AdapterContext = { providerName: 'ld', configDir: '/tmp', logger: silentLogger, http: createSourceHttp() };
const banner = production.flags['PROJ-5-banner'];
const GOOD_KEYS = ['PROJ-5-banner', 'checkout-v2', 'new-pricing', 'rate-limits', 'search-ranking'];

function options(baseUri: string, overrides: Partial<LaunchDarklyOptions> = {}): LaunchDarklyOptions {
  return relayOptions(baseUri, { production: PROD_KEY, staging: STAGING_KEY }, { ...overrides });
}

function withFlag(data: EnvironmentData, key: string, flag: unknown): EnvironmentData {
  return { ...data, flags: { ...data.flags, [key]: flag } };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the snapshot to reject');
}

describe('LaunchDarkly adapter: a malformed flag from the Relay Proxy', () => {
  let relay: FakeRelay | undefined;
  afterEach(async () => {
    await relay?.close();
    relay = undefined;
  });

  async function snapshotWith(prod: EnvironmentData, stg: EnvironmentData = staging, overrides: Partial<LaunchDarklyOptions> = {}) {
    relay = await startFakeRelay({ [PROD_KEY]: prod, [STAGING_KEY]: stg });
    return createLaunchDarklySource(options(relay.url, overrides), context).snapshot(new AbortController().signal);
  }

  /** The banner flag, as `bad`, its default rule a rollout over `variations`. */
  const rolledOut = (variations: unknown[]) => ({ ...banner, key: 'bad', fallthrough: { rollout: { variations } } });

  // Shapes the SDK passes on to the feature store unchanged (found by serving them to the real SDK).
  const cases: { name: string; flag: unknown; reason: RegExp }[] = [
    {
      name: 'a fallthrough that is a string',
      flag: { ...banner, key: 'bad', fallthrough: 'oops' },
      reason: /^environment "production": fallthrough: expected /,
    },
    {
      name: 'variations that are not a list',
      flag: { ...banner, key: 'bad', variations: 'true,false' },
      reason: /^environment "production": variations: expected /,
    },
    {
      name: 'a rollout weight given as a string',
      flag: rolledOut([
        { variation: 0, weight: '40000' },
        { variation: 1, weight: 60000 },
      ]),
      reason: /^environment "production": fallthrough\.rollout\.variations\[0\]\.weight: expected number/,
    },
    {
      name: 'a version that is not a number',
      flag: { ...banner, key: 'bad', version: '14' },
      reason: /^environment "production": version: expected number/,
    },
    { name: 'a flag that is not an object', flag: 'on', reason: /^environment "production": \(root\): expected / },
    {
      name: 'a flag without its key',
      flag: { version: 3, on: true },
      reason: /^environment "production": key: expected string, but it is missing$/,
    },
    {
      name: 'a rollout serving a variation the flag does not have (the SDK answers those contexts with an error)',
      flag: rolledOut([
        { variation: 0, weight: 50000 },
        { variation: 7, weight: 50000 },
      ]),
      reason: /^environment "production": fallthrough\.rollout\.variations\[1\]\.variation: 7 is not one of the flag's 2 variations$/,
    },
    {
      name: 'an off variation the flag does not have, and a rule serving one',
      flag: { ...banner, key: 'bad', offVariation: 4, rules: [{ variation: -1, clauses: [] }] },
      reason:
        /^environment "production": offVariation: 4 is not one of the flag's 2 variations; rules\[0\]\.variation: -1 is not one of the flag's 2 variations$/,
    },
    {
      name: 'a flag whose key differs from the one it is listed under',
      flag: { ...banner, key: 'other' },
      reason: /key: differs from the key the flag is listed under/,
    },
  ];
  for (const c of cases) {
    it(`${c.name}: the good flags sync, the bad one is skipped by key with the field named`, async () => {
      const { flags, skipped } = await snapshotWith(withFlag(production, 'bad', c.flag));
      assert.deepEqual(
        flags.map((f) => f.key),
        GOOD_KEYS,
      );
      assert.equal(skipped?.length, 1);
      assert.equal(skipped![0]!.key, 'bad');
      assert.match(skipped![0]!.reason, c.reason);
    });
  }

  it('never quotes the bad value in the reason', async () => {
    const { skipped } = await snapshotWith(withFlag(production, 'bad', { ...banner, key: 'bad', offVariation: 'secret-looking-value' }));
    assert.ok(!skipped![0]!.reason.includes('secret-looking-value'), skipped![0]!.reason);
  });

  it('a flag fine in production but malformed in staging is skipped as a whole, listed once', async () => {
    const stagingBanner = { ...staging.flags['PROJ-5-banner'], rules: [{ variation: 'zero' }] };
    const { flags, skipped } = await snapshotWith(production, withFlag(staging, 'PROJ-5-banner', stagingBanner));
    assert.deepEqual(
      [flags.some((f) => f.key === 'PROJ-5-banner'), skipped?.map((s) => s.key), skipped?.[0]?.reason],
      [false, ['PROJ-5-banner'], 'environment "staging": rules[0].variation: expected number'],
    );
  });

  it('a flag marked deleted with a non-boolean is skipped, not taken for deleted', async () => {
    const { skipped } = await snapshotWith(withFlag(production, 'bad', { ...banner, key: 'bad', deleted: 'yes' }));
    assert.deepEqual(
      skipped?.map((s) => s.key),
      ['bad'],
    );
  });

  it('skips the malformed flag in streaming mode too', async () => {
    const { flags, skipped } = await snapshotWith(withFlag(production, 'bad', { ...banner, key: 'bad', fallthrough: 'oops' }), staging, {
      stream: true,
    });
    assert.deepEqual([flags.length, skipped?.map((s) => s.key)], [GOOD_KEYS.length, ['bad']]);
  });

  it('a data set whose flags are not a map rejects instead of reading as no flags', async () => {
    const error = await rejection(snapshotWith({ flags: [] as unknown as Record<string, unknown> }));
    assert.match(error.message, /^ld: environment "production": flag data from http:\/\/127\.0\.0\.1:\d+: flags: expected a map/);
  });

  it('a flag the SDK itself cannot load (rules not a list) fails the environment, never an empty list', async () => {
    const error = await rejection(
      snapshotWith(withFlag(production, 'bad', { ...banner, key: 'bad', rules: 'none' }), staging, { initTimeoutSeconds: 0.5 }),
    );
    assert.match(error.message, /^ld: environment "production": no flag data from http:\/\/127\.0\.0\.1:\d+ within 0\.5 s/);
  });
});

describe('LaunchDarkly flag entries decoded one by one', () => {
  it('leaves tombstones out without reading the rest of them', () => {
    const { flags, skipped } = decodeFlagEntries({ gone: { key: 'gone', version: 'x', deleted: true } });
    assert.deepEqual([flags, skipped], [[], []]);
  });

  it('skips a flag the SDK was not handed by key with the reason, even when it decodes; a deleted one is left out', () => {
    const flag = (key: string, deleted = false) => ({ key, version: 1, on: true, variations: [true, false], deleted });
    const reason = 'key: expected a key the LaunchDarkly SDK can track (not a property name every JavaScript object has)';
    const { flags, skipped } = decodeFlagEntries(
      { constructor: flag('constructor'), toString: flag('toString', true), ok: flag('ok') },
      new Map([
        ['constructor', reason],
        ['toString', reason],
      ]),
    );
    assert.deepEqual([flags.map((f) => f.key), skipped], [['ok'], [{ key: 'constructor', reason }]]);
  });

  it("takes an off flag's default rule and targets as they are (the SDK reads only its off variation)", () => {
    const off = { key: 'off', version: 1, on: false, variations: [true, false], offVariation: 1, fallthrough: { variation: 9 } };
    const { flags, skipped } = decodeFlagEntries({ off, target: { ...off, key: 'target', targets: [{ values: ['u'], variation: 3 }] } });
    assert.deepEqual([flags.map((f) => f.key), skipped], [['off', 'target'], []]);
    const on = decodeFlagEntries({ on: { ...off, key: 'on', on: true } });
    assert.deepEqual(on.skipped, [{ key: 'on', reason: "fallthrough.variation: 9 is not one of the flag's 2 variations" }]);
  });
});

describe("LaunchDarkly REST API: one flag's metadata malformed", () => {
  let api: FakeRestApi | undefined;
  let relay: FakeRelay | undefined;
  afterEach(async () => {
    await api?.close();
    await relay?.close();
    api = relay = undefined;
  });
  const badItem = { key: 'PROJ-5-banner', name: 'Banner', tags: 'not-a-list' };
  // With the REST API configured every flag the SDK has needs its item: one without it is skipped, not stripped.
  const restItem = (key: string) => ({ key, name: `Name of ${key}` });
  const OTHER_KEYS = ['new-pricing', 'rate-limits', 'search-ranking'];
  const settings = (url: string) => ({
    baseUrl: url,
    token: TOKEN,
    projectKey: 'default',
    environmentKeys: ['production'],
    pageSize: 100,
    maxRateLimitWaitSeconds: 60,
  });

  it("keeps the other flags' metadata and reports the bad one by key and field", async () => {
    api = await startFakeRestApi(TOKEN, [{ status: 200, body: { items: [badItem, ...page2.items] } }]);
    const reported: string[] = [];
    const metadata = await fetchFlagMetadata(settings(api.url), createSourceHttp(), new AbortController().signal, (key, reason) =>
      reported.push(`${key}: ${reason}`),
    );
    assert.deepEqual([[...metadata.keys()], reported], [['checkout-v2'], ['PROJ-5-banner: tags: expected Array<string>']]);
  });

  it('rejects a page with an item whose key cannot be read', async () => {
    api = await startFakeRestApi(TOKEN, [{ status: 200, body: { items: [{ name: 'no key' }, ...page2.items] } }]);
    const error = await rejection(fetchFlagMetadata(settings(api.url), createSourceHttp(), new AbortController().signal));
    assert.match(error.message, /response: items\[0\]\.key: expected string, but it is missing$/);
  });

  async function snapshotWithRestItems(items: unknown[], lines: string[] = []) {
    api = await startFakeRestApi(TOKEN, [{ status: 200, body: { items, totalCount: items.length } }]);
    relay = await startFakeRelay({ [PROD_KEY]: production, [STAGING_KEY]: staging });
    const logger = pino(
      { level: 'warn' },
      new Writable({ write: (chunk: Buffer, _e, done) => void (lines.push(chunk.toString()), done()) }),
    );
    const source = createLaunchDarklySource(options(relay.url, { api: { token: TOKEN, baseUrl: api.url } }), { ...context, logger });
    return source.snapshot(new AbortController().signal);
  }

  it('the snapshot skips that flag (its issue keys may come from the metadata), naming it and the field', async () => {
    const lines: string[] = [];
    const { flags, skipped } = await snapshotWithRestItems([badItem, ...page2.items, ...OTHER_KEYS.map(restItem)], lines);
    assert.deepEqual(
      [flags.map((f) => [f.key, f.name]), skipped, lines.map((l) => (JSON.parse(l) as { msg: string }).msg)],
      [
        [['checkout-v2', 'Checkout v2'], ...OTHER_KEYS.map((k) => [k, `Name of ${k}`])],
        [{ key: 'PROJ-5-banner', reason: 'REST API metadata unusable: tags: expected Array<string>' }],
        [],
      ],
    );
  });

  it('the snapshot skips a flag the SDK has but the REST list lacks, instead of syncing it without its metadata', async () => {
    const { flags, skipped } = await snapshotWithRestItems([
      restItem('PROJ-5-banner'),
      ...page2.items,
      restItem('new-pricing'),
      restItem('search-ranking'),
    ]);
    assert.deepEqual(
      [flags.map((f) => [f.key, f.name]), skipped],
      [
        [
          ['PROJ-5-banner', 'Name of PROJ-5-banner'],
          ['checkout-v2', 'Checkout v2'],
          ['new-pricing', 'Name of new-pricing'],
          ['search-ranking', 'Name of search-ranking'],
        ],
        [{ key: 'rate-limits', reason: 'no REST metadata for this flag' }],
      ],
    );
  });
});
