import { strict as assert } from 'node:assert';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { FlagSnapshot, UnchangedSource } from '../../../src/kit';
import { createSourceHttp, type AdapterContext } from '../../../src/kit';
import { createLaunchDarklySource } from '../index';
import type { LaunchDarklyOptions } from '../options';
import { relayOptions, startFakeRelay, type EnvironmentData, type FakeRelay } from './fake-relay';
import { startFakeRestApi, type FakeRestApi } from './fake-rest-api';
import production from './fixtures/production.json';
import staging from './fixtures/staging.json';

/**
 * Without the REST API, a snapshot's fingerprint is the flag versions of each environment (LaunchDarkly gives a flag a
 * new version with every change) and the mapping settings. Asked with the fingerprint of the last fully accepted
 * run, the adapter still reads every environment through the SDK, but maps nothing while the versions match.
 */
const PROD_KEY = 'sdk-4d2e9f61-prod-skip';
const STAGING_KEY = 'sdk-c07a3b58-stg-skip';
const TOKEN = 'api-skip-0000';

function options(baseUri: string, overrides: Partial<LaunchDarklyOptions> = {}): LaunchDarklyOptions {
  return relayOptions(baseUri, { production: PROD_KEY, staging: STAGING_KEY }, { ...overrides });
}

/** A change made in LaunchDarkly: the flag's configuration in that environment, with its next version. */
function change(data: EnvironmentData, key: string, fields: Record<string, unknown>): void {
  const flag = data.flags[key] as { version: number };
  data.flags[key] = { ...flag, ...fields, version: flag.version + 1 };
}

const isUnchanged = (answer: FlagSnapshot | UnchangedSource): answer is UnchangedSource => 'unchanged' in answer;

describe('LaunchDarkly: unchanged source skip (flag versions)', () => {
  let relay: FakeRelay;
  let served: Record<string, EnvironmentData>;
  let lines: string[];
  let context: AdapterContext;
  const signal = () => new AbortController().signal;
  const requested = () => relay.requests.map((r) => (r.authorization === PROD_KEY ? 'production' : 'staging'));

  beforeEach(async () => {
    served = { [PROD_KEY]: structuredClone(production), [STAGING_KEY]: structuredClone(staging) };
    relay = await startFakeRelay(served);
    lines = [];
    const logger = pino(
      { level: 'debug' },
      new Writable({ write: (chunk: Buffer, _e, done) => void (lines.push(chunk.toString()), done()) }),
    );
    context = { providerName: 'ld', configDir: '/tmp', logger, http: createSourceHttp() };
  });
  afterEach(() => relay.close());

  async function accepted(overrides: Partial<LaunchDarklyOptions> = {}): Promise<string> {
    const { sourceFingerprint } = await createLaunchDarklySource(options(relay.url, overrides), context).snapshot(signal());
    assert.ok(sourceFingerprint !== undefined);
    relay.requests.length = 0;
    lines.length = 0;
    return sourceFingerprint;
  }

  it('fingerprints a snapshot without the SDK keys in it', async () => {
    const fingerprint = await accepted();
    assert.ok(!fingerprint.includes(PROD_KEY) && !fingerprint.includes(STAGING_KEY));
  });

  it('versions as accepted: one SDK read per environment, nothing mapped, the accepted fingerprint back', async () => {
    const fingerprint = await accepted();
    const answer = await createLaunchDarklySource(options(relay.url), context).snapshotUnlessUnchanged!(signal(), fingerprint);
    const messages = lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
    assert.deepEqual(
      [answer, requested(), messages.includes('LaunchDarkly snapshot read')],
      [{ unchanged: true, sourceFingerprint: fingerprint }, ['production', 'staging'], false],
    );
  });

  it('streaming reads the same versions as polling: unchanged', async () => {
    const fingerprint = await accepted();
    const answer = await createLaunchDarklySource(options(relay.url, { stream: true }), context).snapshotUnlessUnchanged!(
      signal(),
      fingerprint,
    );
    assert.deepEqual([answer, relay.requests.map((r) => r.path)], [{ unchanged: true, sourceFingerprint: fingerprint }, ['/all', '/all']]);
  });

  it("one flag's version moved in production: mapped again, with the fingerprint a fresh snapshot has", async () => {
    const fingerprint = await accepted();
    change(served[PROD_KEY]!, 'PROJ-5-banner', { on: false });
    const source = createLaunchDarklySource(options(relay.url), context);
    const answer = await source.snapshotUnlessUnchanged!(signal(), fingerprint);
    assert.ok(!isUnchanged(answer));
    const fresh = await source.snapshot(signal());
    assert.deepEqual(
      [answer.flags.find((f) => f.key === 'PROJ-5-banner')?.environments[0]?.enabled, answer.sourceFingerprint !== fingerprint, answer],
      [false, true, fresh],
    );
  });

  it('a change in staging alone: production, read first and let go, is read again and mapped', async () => {
    const fingerprint = await accepted();
    change(served[STAGING_KEY]!, 'checkout-v2', { on: false });
    const source = createLaunchDarklySource(options(relay.url), context);
    const answer = await source.snapshotUnlessUnchanged!(signal(), fingerprint);
    assert.deepEqual(requested(), ['production', 'staging', 'production']);
    assert.deepEqual(answer, await source.snapshot(signal()));
  });

  it('other mapping settings: read and mapped in full', async () => {
    const fingerprint = await accepted();
    const source = createLaunchDarklySource(options(relay.url, { onValues: { 'new-pricing': ['treatment-a'] } }), context);
    const answer = await source.snapshotUnlessUnchanged!(signal(), fingerprint);
    assert.ok(!isUnchanged(answer));
    assert.equal(answer.flags.length, 5);
  });

  it('a flag without a numeric version: no fingerprint, so the source is read every run', async () => {
    served[STAGING_KEY]!.flags['rate-limits'] = { ...staging.flags['rate-limits'], version: 'v2' };
    const snapshot = await createLaunchDarklySource(options(relay.url), context).snapshot(signal());
    assert.deepEqual([snapshot.sourceFingerprint, snapshot.skipped?.map((s) => s.key)], [undefined, ['rate-limits']]);
  });

  describe('with the REST API (links from metadata that has no version)', () => {
    let api: FakeRestApi;
    beforeEach(async () => {
      const items = Object.keys(production.flags).map((key) => ({ key, name: `Name of ${key}` }));
      api = await startFakeRestApi(TOKEN, [{ status: 200, body: { items, totalCount: items.length } }]);
    });
    afterEach(() => api.close());

    it('gives no fingerprint and offers no skip', async () => {
      const source = createLaunchDarklySource(options(relay.url, { api: { token: TOKEN, baseUrl: api.url } }), context);
      const snapshot = await source.snapshot(signal());
      assert.deepEqual([snapshot.flags.length, snapshot.sourceFingerprint, source.snapshotUnlessUnchanged], [5, undefined, undefined]);
    });
  });
});
