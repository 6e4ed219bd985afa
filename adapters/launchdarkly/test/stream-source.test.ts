import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as sdk from '@launchdarkly/node-server-sdk';
import { init, type LDClientContext, type LDFeatureStore, type LDLogger, type LDOptions } from '@launchdarkly/node-server-sdk';
import { createSourceHttp, silentLogger, type Logger } from '../../../src/kit';
import { createLaunchDarklySource } from '../index';
import type { LaunchDarklyOptions } from '../options';
import { CapturingFeatureStore } from '../store';
import { guardedStreamSource, missingSdkHelpers, SDK_VERSION, SdkMismatchError, type StreamProblem } from '../stream-source';
import { startFakeRelay, type FakeRelay } from './fake-relay';
import production from './fixtures/production.json';
import { recordingLogger } from '../../../test/helpers/recording-logger';

/**
 * The adapter's streaming data source (stream-source.ts) against the SDK's own: the same request, a stream that
 * converges after a `put` it cannot read, a clear failure when the SDK lacks what it uses, and the exact SDK pin that
 * keeps it so.
 */
const KEY = 'sdk-stream-source-production';
const quiet: LDLogger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };
const liveFlags = Object.entries(production.flags)
  .filter(([, flag]) => !('deleted' in flag && flag.deleted === true))
  .map(([key]) => key)
  .sort();
const reports = () => {
  const problems: StreamProblem[] = [];
  const unexpected: { event: string; error: unknown }[] = [];
  return {
    problems,
    unexpected,
    reports: {
      onProblem: (p: StreamProblem) => problems.push(p),
      onUnexpected: (event: string, error: unknown) => unexpected.push({ event, error }),
    },
  };
};

describe('LaunchDarkly streaming data source (stream-source.ts)', function () {
  this.timeout(20000);
  let relay: FakeRelay | undefined;
  afterEach(async () => {
    await relay?.close();
    relay = undefined;
  });

  const streamRequests = () => relay!.requests.filter((r) => r.path === '/all');
  const adapterOptions = (): LaunchDarklyOptions => ({
    name: 'ld',
    adapter: 'launchdarkly',
    baseUri: relay!.url,
    stream: true,
    initTimeoutSeconds: 6,
    environments: [{ name: 'production', sdkKey: KEY }],
  });
  const context = (logger: Logger = silentLogger) => ({ providerName: 'ld', configDir: '/tmp', logger, http: createSourceHttp() });

  it("sends the request the SDK's own streaming data source sends: SDK key, user agent, wrapper, application tags, an instance id", async () => {
    relay = await startFakeRelay({ [KEY]: production });
    const headersWith = async (updateProcessor: LDOptions['updateProcessor']) => {
      const client = init(KEY, {
        baseUri: relay!.url,
        streamUri: relay!.url,
        stream: true,
        sendEvents: false,
        diagnosticOptOut: true,
        logger: quiet,
        featureStore: new CapturingFeatureStore(),
        application: { id: 'flagsync', version: '2.0.0' },
        wrapperName: 'flagsync-wrapper',
        wrapperVersion: '1.0.0',
        ...(updateProcessor !== undefined && { updateProcessor }),
      });
      try {
        await client.waitForInitialization({ timeout: 5 });
      } finally {
        client.close();
      }
      const { 'x-launchdarkly-instance-id': id, ...rest } = streamRequests().at(-1)!.headers;
      return { rest, instanceId: typeof id === 'string' && id.length > 0 };
    };
    const sdkOwn = await headersWith(undefined);
    const guarded = await headersWith(guardedStreamSource(reports().reports));
    assert.equal(guarded.rest['x-launchdarkly-tags'], 'application-id/flagsync application-version/2.0.0');
    assert.deepEqual(guarded, sdkOwn);
  });

  it('reconnects after a first put it cannot read (not JSON), and a snapshot reads the next one well before its timeout', async () => {
    relay = await startFakeRelay({ [KEY]: production });
    relay.firstPutsRaw(KEY, '{"path":"/","data":{"flags":');
    const started = Date.now();
    const { flags, skipped } = await createLaunchDarklySource(adapterOptions(), context()).snapshot(new AbortController().signal);
    assert.deepEqual([flags.map((f) => f.key).sort(), skipped ?? [], streamRequests().length], [liveFlags, [], 2]);
    assert.ok(Date.now() - started < 4000, `took ${Date.now() - started} ms`);
  });

  it('backs off over unreadable puts in a row (one without data, one not JSON) and converges on the next readable one', async () => {
    relay = await startFakeRelay({ [KEY]: production });
    relay.firstPutsRaw(KEY, '{"path":"/"}', 'not JSON');
    const { flags } = await createLaunchDarklySource(adapterOptions(), context()).snapshot(new AbortController().signal);
    assert.deepEqual([flags.map((f) => f.key).sort(), streamRequests().length], [liveFlags, 3]);
  });

  it('watch: a put streamed later that cannot be read is warned about, the stream reconnects for a full data set afresh, and a sync is triggered', async () => {
    relay = await startFakeRelay({ [KEY]: production });
    const { logger, warnings } = recordingLogger();
    const controller = new AbortController();
    let changes = 0;
    try {
      await createLaunchDarklySource(adapterOptions(), context(logger)).watch!(() => changes++, controller.signal, 1000);
      assert.equal(streamRequests().length, 1);
      relay.sendRaw(KEY, 'put', 'not JSON');
      for (let waited = 0; streamRequests().length < 2 && waited < 5000; waited += 50) await new Promise((r) => setTimeout(r, 50));
      assert.equal(streamRequests().length, 2);
      assert.ok(changes >= 1, `changes: ${changes}`);
      assert.ok(
        warnings.some((w) => /put event is malformed \(not JSON; the stream reconnects in \d+ ms/.test(w)),
        JSON.stringify(warnings),
      );
    } finally {
      controller.abort();
    }
  });

  it('reports a throw while handling an event that is no decode problem as unexpected (the SDK may have changed), apart from malformed data', async () => {
    relay = await startFakeRelay({ [KEY]: production });
    const { problems, unexpected, reports: handlers } = reports();
    // A store that throws where the SDK's data source updates call it: what a changed SDK could do to the handler.
    const failing: LDFeatureStore = Object.assign(new CapturingFeatureStore(), {
      init: () => {
        throw new TypeError('allData is not iterable');
      },
    });
    const client = init(KEY, {
      baseUri: relay.url,
      streamUri: relay.url,
      stream: true,
      sendEvents: false,
      diagnosticOptOut: true,
      logger: quiet,
      featureStore: failing,
      updateProcessor: guardedStreamSource(handlers),
    });
    try {
      for (let waited = 0; unexpected.length === 0 && waited < 5000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    } finally {
      client.close();
    }
    assert.deepEqual(problems, []);
    assert.equal(unexpected.length, 1);
    assert.equal(unexpected[0]!.event, 'put');
    assert.match(String(unexpected[0]!.error), /allData is not iterable/);
  });
});

describe('LaunchDarkly SDK internals the streaming data source uses', () => {
  it('are all there in the installed SDK', () => {
    assert.deepEqual(missingSdkHelpers(), []);
  });

  it('are named when missing, as a changed SDK version would lack them', () => {
    const changed = { ...(sdk as unknown as Record<string, unknown>), shouldRetry: undefined, internal: {} };
    assert.deepEqual(missingSdkHelpers(changed), ['shouldRetry', 'internal.initMetadataFromHeaders']);
  });

  it('fail the client at once, naming the SDK version expected and what is missing, when the client context lacks them', () => {
    const factory = guardedStreamSource(reports().reports) as (...args: unknown[]) => unknown;
    const context = {
      basicConfiguration: { sdkKey: 'sdk-x', serviceEndpoints: { streaming: 'http://127.0.0.1:9' } },
      platform: { info: { sdkData: () => ({ version: '9.99.0' }) }, requests: {} },
    } as unknown as LDClientContext;
    assert.throws(
      () =>
        factory(
          context,
          {},
          () => {},
          () => {},
        ),
      (error: unknown) =>
        error instanceof SdkMismatchError &&
        error.message.includes(`@launchdarkly/node-server-sdk ${SDK_VERSION} exactly`) &&
        error.message.includes('version 9.99.0') &&
        error.message.includes('platform.requests.createEventSource'),
    );
  });

  it('are those of the SDK version package.json pins exactly, and package-lock.json and node_modules agree', () => {
    const root = path.join(__dirname, '..', '..', '..');
    type Manifest = { version?: string; dependencies?: Record<string, string> };
    const read = <T>(file: string) => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')) as T;
    const name = '@launchdarkly/node-server-sdk';
    const lock = read<{ packages: Record<string, Manifest> }>('package-lock.json');
    assert.deepEqual(
      [
        read<Manifest>('package.json').dependencies?.[name],
        lock.packages['']?.dependencies?.[name],
        lock.packages[`node_modules/${name}`]?.version,
        read<Manifest>(`node_modules/${name}/package.json`).version,
      ],
      [SDK_VERSION, SDK_VERSION, SDK_VERSION, SDK_VERSION],
    );
  });
});
