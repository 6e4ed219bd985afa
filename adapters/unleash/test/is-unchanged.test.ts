import * as assert from 'node:assert/strict';
import type { FlagSource } from '../../../src/kit';
import type { FixtureAnswer, FixtureRequest, FixtureServer } from '../../../src/kit/testing';
import { adapterFrom, rejectionOf } from './adapter-under-test';
import {
  featureIn,
  NEWEST_EVENT_PATH as NEWEST_EVENT,
  recordEventIn,
  STAND_IN_ADMIN_TOKEN,
  STAND_IN_CLIENT_TOKENS,
  standInData,
  startUnleashStandIn,
  type StandInData,
} from './stand-in-api';

const live = (): AbortSignal => new AbortController().signal;

/**
 * `isUnchanged` alone, against the Unleash stand-in on loopback: it answers what the read's fingerprint would (the
 * newest event id, or each environment's client features version, against the accepted one) without reading a
 * feature, and rejects (which the core counts as "changed") when Unleash fails it. flagsync reads a source its check
 * found changed in full (`snapshot`), which in client mode reuses the versions the check asked, so a run asks once.
 */
function checkWorld(entry: (apiUrl: string) => Record<string, unknown>) {
  const world = {} as { api: FixtureServer; data: StandInData; failing: (request: FixtureRequest) => boolean };
  beforeEach(async () => {
    world.data = standInData();
    world.failing = () => false;
    const outage = (request: FixtureRequest): FixtureAnswer | undefined =>
      world.failing(request) ? { status: 503, body: { message: 'stand-in outage' } } : undefined;
    world.api = await startUnleashStandIn(world.data, outage);
  });
  afterEach(() => world.api.close());
  return {
    world,
    source: (): FlagSource => adapterFrom(entry(`${world.api.url}/api`)),
    change: () => {
      featureIn(world.data, 'PROJ-7-new-onboarding').feature.environments.find((e) => e['name'] === 'production')!['enabled'] = false;
      recordEventIn(world.data);
    },
    asked: () => world.api.requests.map((r) => `${r.path}?${r.query.toString()}`),
  };
}

describe('Unleash Admin API isUnchanged (newest event id)', () => {
  const { world, source, change, asked } = checkWorld((url) => ({
    url,
    adminToken: STAND_IN_ADMIN_TOKEN,
    environments: [{ name: 'production' }, { name: 'development' }],
  }));

  it('true after an accepted read with nothing changed: the newest event alone; nothing kept for a later read', async () => {
    const unleash = source();
    const { sourceFingerprint } = await unleash.snapshot(live());
    world.api.requests.length = 0;
    assert.equal(await unleash.isUnchanged!(live(), sourceFingerprint!), true);
    assert.deepEqual(asked(), [NEWEST_EVENT]);
    // flagsync does not read a source its check found unchanged; a later read asks on its own.
    assert.deepEqual(await unleash.snapshotUnlessUnchanged!(live(), sourceFingerprint!), { unchanged: true, sourceFingerprint });
    assert.deepEqual(asked(), [NEWEST_EVENT, NEWEST_EVENT]);
  });

  it('false after a change; the full read that follows gives the fingerprint the check would accept next', async () => {
    const unleash = source();
    const first = await unleash.snapshot(live());
    change();
    world.api.requests.length = 0;
    assert.equal(await unleash.isUnchanged!(live(), first.sourceFingerprint!), false);
    assert.deepEqual(asked(), [NEWEST_EVENT]);
    const read = await unleash.snapshot(live());
    assert.equal(
      read.flags.find((f) => f.key === 'PROJ-7-new-onboarding')!.environments.find((e) => e.name === 'production')!.enabled,
      false,
    );
    assert.notEqual(read.sourceFingerprint, first.sourceFingerprint);
    assert.equal(await unleash.isUnchanged!(live(), read.sourceFingerprint!), true);
  });

  it('a failing check rejects ("changed" to flagsync), and the read that follows reads in full', async () => {
    const unleash = source();
    const { sourceFingerprint } = await unleash.snapshot(live());
    change();
    world.failing = () => true;
    await rejectionOf(unleash.isUnchanged!(live(), sourceFingerprint!));
    world.failing = () => false;
    const read = await unleash.snapshot(live());
    assert.equal(read.flags.length, 3, 'read in full, not an empty list');
    assert.notEqual(read.sourceFingerprint, sourceFingerprint);
  });

  it('a fingerprint of other settings (or of client tokens) is "changed" without a request', async () => {
    const unleash = source();
    world.api.requests.length = 0;
    assert.equal(await unleash.isUnchanged!(live(), 'another-settings-hash:7'), false);
    assert.deepEqual(asked(), []);
  });
});

describe('Unleash client tokens isUnchanged (client features versions)', () => {
  const { world, source, change } = checkWorld((url) => ({
    url,
    environments: [
      { name: 'production', clientToken: STAND_IN_CLIENT_TOKENS.production },
      { name: 'development', clientToken: STAND_IN_CLIENT_TOKENS.development },
    ],
  }));
  const featureAsks = () => world.api.requests.filter((r) => r.path === '/api/client/features').length;

  it('true while every environment has the accepted version; nothing kept for a later read', async () => {
    const unleash = source();
    const { sourceFingerprint } = await unleash.snapshot(live());
    world.api.requests.length = 0;
    assert.equal(await unleash.isUnchanged!(live(), sourceFingerprint!), true);
    assert.equal(featureAsks(), 2);
    // flagsync does not read a source its check found unchanged; a later read asks on its own.
    assert.deepEqual(await unleash.snapshotUnlessUnchanged!(live(), sourceFingerprint!), { unchanged: true, sourceFingerprint });
    assert.equal(featureAsks(), 4);
  });

  it('false after a change; the full read that follows uses its versions and gives the fingerprint a fresh read gives', async () => {
    const unleash = source();
    const first = await unleash.snapshot(live());
    change();
    assert.equal(await unleash.isUnchanged!(live(), first.sourceFingerprint!), false);
    const read = await unleash.snapshot(live());
    assert.notEqual(read.sourceFingerprint, first.sourceFingerprint);
    assert.equal(read.sourceFingerprint, (await source().snapshot(live())).sourceFingerprint);
    assert.equal(await unleash.isUnchanged!(live(), read.sourceFingerprint!), true);
  });

  it('the check costs no request of its own in a changed run: one version ask per environment, then the read', async () => {
    const unleash = source();
    const first = await unleash.snapshot(live());
    const readAlone = world.api.requests.length; // a read without accepted source: versions, then the features
    change();
    world.api.requests.length = 0;
    await unleash.isUnchanged!(live(), first.sourceFingerprint!);
    await unleash.snapshot(live());
    assert.equal(world.api.requests.length, readAlone);
  });

  it('a failing check rejects ("changed" to flagsync), and the read that follows asks the versions again', async () => {
    const unleash = source();
    const { sourceFingerprint } = await unleash.snapshot(live());
    change();
    world.failing = (r) => r.path === '/api/client/features';
    await rejectionOf(unleash.isUnchanged!(live(), sourceFingerprint!));
    world.failing = () => false;
    world.api.requests.length = 0;
    const read = await unleash.snapshot(live());
    assert.equal(read.flags.length > 0, true, 'read in full, not an empty list');
    assert.equal(featureAsks(), 4, 'versions asked again (one per environment) before the read (one per environment)');
  });
});
