import * as assert from 'node:assert/strict';
import type { FlagSource } from '../../../src/kit';
import { flagSourceFromEntry, type FixtureServer } from '../../../src/kit/testing';
import { FLIPT_TOKEN, fliptNamespaces, startFliptApi } from '../../../test/contract/sources/flipt-api';
import { adapter } from '..';
import { fliptFingerprints } from '../fingerprint';
import { startFliptFront, type FliptFront, type SnapshotEndpoint } from './snapshot-front';

type Namespaces = Record<string, { flags: Record<string, unknown>[] }>;

const SNAPSHOT = '/internal/v1/evaluation/snapshot/namespace/';
const live = (): AbortSignal => new AbortController().signal;

/**
 * `isUnchanged` alone, against the Flipt API stand-in behind the evaluation-snapshot front on loopback: it answers
 * what the read's fingerprint would (the namespaces' snapshot versions against the accepted ones) without reading a
 * flag, and says "changed" when a version cannot be had. flagsync reads a source its check found changed in full
 * (`snapshot`), which reuses the versions the check asked, so a run asks each namespace once.
 */
function checkWorld(endpoint: SnapshotEndpoint) {
  const world = {} as { api: FixtureServer; front: FliptFront; data: Namespaces };
  beforeEach(async () => {
    world.data = structuredClone(fliptNamespaces) as Namespaces;
    world.api = await startFliptApi(world.data);
    world.front = await startFliptFront(world.api.url, endpoint);
  });
  afterEach(async () => {
    await world.front.close();
    await world.api.close();
  });
  return {
    world,
    source: (extra: Record<string, unknown> = {}): FlagSource =>
      flagSourceFromEntry(adapter, {
        name: 'flipt',
        url: world.front.url,
        token: FLIPT_TOKEN,
        environments: [{ name: 'production', namespace: 'prod', type: 'production' }, { name: 'staging' }],
        ...extra,
      }),
    change: () => {
      world.data['staging']!.flags.find((f) => f['key'] === 'new-checkout')!['enabled'] = false;
    },
    snapshotAsks: () => world.front.requests.filter((r) => r.path.startsWith(SNAPSHOT)),
    flagReads: () => world.front.requests.filter((r) => !r.path.startsWith(SNAPSHOT)),
  };
}

describe('Flipt isUnchanged (evaluation snapshot ETags)', () => {
  const { world, source, change, snapshotAsks, flagReads } = checkWorld('etag');

  it('true after an accepted read with nothing changed: one If-None-Match per namespace, no flag read', async () => {
    const flipt = source();
    const { sourceFingerprint } = await flipt.snapshot(live());
    world.front.requests.length = 0;
    assert.equal(await flipt.isUnchanged!(live(), sourceFingerprint!), true);
    assert.deepEqual(world.front.requests.map((r) => [r.path, r.ifNoneMatch !== undefined]).sort(), [
      [`${SNAPSHOT}prod`, true],
      [`${SNAPSHOT}staging`, true],
    ]);
    // flagsync does not read a source its check found unchanged; a later read asks on its own (nothing kept).
    assert.deepEqual(await flipt.snapshotUnlessUnchanged!(live(), sourceFingerprint!), { unchanged: true, sourceFingerprint });
    assert.equal(world.front.requests.length, 4);
  });

  it('false after a change; the full read that follows uses its versions, and gives the fingerprint a fresh read gives', async () => {
    const flipt = source();
    const first = await flipt.snapshot(live());
    change();
    world.front.requests.length = 0;
    assert.equal(await flipt.isUnchanged!(live(), first.sourceFingerprint!), false);
    assert.deepEqual(flagReads(), [], 'the check reads no flag');
    const read = await flipt.snapshot(live());
    assert.equal(read.flags.find((f) => f.key === 'new-checkout')!.environments.find((e) => e.name === 'staging')!.enabled, false);
    // Per namespace: the check's version (reused by the read, not asked again), then the read of its rules.
    assert.deepEqual(
      snapshotAsks().map((r) => r.ifNoneMatch !== undefined),
      [true, true, false, false],
      'each namespace versioned once in the run, then its rules read once',
    );
    assert.ok(flagReads().length > 0);
    assert.equal(read.sourceFingerprint, (await source().snapshot(live())).sourceFingerprint);
    assert.notEqual(read.sourceFingerprint, first.sourceFingerprint);
    assert.equal(await flipt.isUnchanged!(live(), read.sourceFingerprint!), true);
  });

  it('a Flipt that fails the check answers "changed", and the full read that follows asks the versions again', async () => {
    const flipt = source();
    const { sourceFingerprint } = await flipt.snapshot(live());
    change();
    world.api.fail(503);
    world.front.requests.length = 0;
    assert.equal(await flipt.isUnchanged!(live(), sourceFingerprint!), false);
    world.api.serve();
    const read = await flipt.snapshot(live());
    assert.equal(read.flags.length, 3, 'read in full, not an empty list');
    assert.equal(snapshotAsks().length, 6, 'the failed check is not reused: versions asked again, then the rules read');
  });

  it('a fingerprint of other settings (another UI) is "changed"', async () => {
    const { sourceFingerprint } = await source().snapshot(live());
    assert.equal(await source({ uiUrl: 'https://flipt.example' }).isUnchanged!(live(), sourceFingerprint!), false);
  });
});

describe('Flipt isUnchanged (a Flipt that sends no ETag: body digest)', () => {
  const { source, change, flagReads } = checkWorld('body');

  it('true while every namespace snapshot has the accepted digest, false once one changed; no flag read', async () => {
    const flipt = source();
    const { sourceFingerprint } = await flipt.snapshot(live());
    const before = flagReads().length;
    assert.equal(await flipt.isUnchanged!(live(), sourceFingerprint!), true);
    change();
    assert.equal(await flipt.isUnchanged!(live(), sourceFingerprint!), false);
    assert.equal(flagReads().length, before);
  });
});

describe('Flipt isUnchanged (no evaluation snapshot endpoint: Flipt before 1.32)', () => {
  const { world, source } = checkWorld('missing');

  it('"changed": no version can be had, so the read runs', async () => {
    const flipt = source();
    const { sourceFingerprint } = await flipt.snapshot(live());
    assert.equal(sourceFingerprint, undefined, 'such a Flipt gives no fingerprint');
    // One accepted while the endpoint still answered (a Flipt downgraded since), for these very settings.
    const accepted = fliptFingerprints({
      provider: 'flipt',
      baseUrl: world.front.url,
      uiUrl: world.front.url,
      namespaces: [
        ['production', 'prod'],
        ['staging', 'staging'],
      ],
    }).of(['etag:a', 'etag:b']);
    assert.equal(await flipt.isUnchanged!(live(), accepted), false);
    assert.deepEqual(
      world.front.requests.slice(-2).map((r) => r.path.startsWith(SNAPSHOT)),
      [true, true],
      'asked, not refused for the settings',
    );
  });
});
