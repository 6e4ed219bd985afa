import { strict as assert } from 'node:assert';
import type { FlagSnapshot } from '../../../src/kit';
import type { FixtureAnswer, FixtureRequest, FixtureServer } from '../../../src/kit/testing';
import { adapterFrom, rejectionOf, snapshotOf } from './adapter-under-test';
import {
  featureIn,
  STAND_IN_ADMIN_TOKEN,
  STAND_IN_CLIENT_TOKENS,
  standInData,
  startUnleashStandIn,
  type StandInData,
} from './stand-in-api';

/**
 * One malformed feature among good ones. The real Unleash validates what it stores, so a loopback stand-in serving
 * the Admin and client APIs' JSON plays the broken source.
 */
const environments = (withTokens: boolean) => [
  { name: 'production', type: 'production', ...(withTokens ? { clientToken: STAND_IN_CLIENT_TOKENS.production } : {}) },
  { name: 'development', type: 'development', ...(withTokens ? { clientToken: STAND_IN_CLIENT_TOKENS.development } : {}) },
];

async function read(mode: 'admin' | 'client', data: StandInData): Promise<FlagSnapshot> {
  const api = await startUnleashStandIn(data);
  try {
    const entry =
      mode === 'admin'
        ? { adminToken: STAND_IN_ADMIN_TOKEN, pageSize: 2, environments: environments(false) }
        : { environments: environments(true) };
    return await snapshotOf(adapterFrom({ url: `${api.url}/api`, ...entry }));
  } finally {
    await api.close();
  }
}

async function rejection(
  mode: 'admin' | 'client',
  data: StandInData,
  override?: (request: FixtureRequest) => FixtureAnswer | undefined,
): Promise<Error> {
  let api: FixtureServer | undefined;
  try {
    api = await startUnleashStandIn(data, override);
    const entry =
      mode === 'admin'
        ? { adminToken: STAND_IN_ADMIN_TOKEN, pageSize: 2, environments: environments(false) }
        : { environments: environments(true) };
    return await rejectionOf(snapshotOf(adapterFrom({ url: `${api.url}/api`, ...entry })));
  } finally {
    await api?.close();
  }
}

const keys = (snapshot: FlagSnapshot) => snapshot.flags.map((f) => f.key).sort();

/** The data with one production strategy of PROJ-7-new-onboarding lacking its name. */
function namelessStrategy(): StandInData {
  const data = standInData();
  const production = featureIn(data, 'PROJ-7-new-onboarding').feature.environments.find((e) => e.name === 'production')!;
  production.strategies = [{ parameters: { rollout: '40' }, constraints: [], segments: [] }];
  return data;
}

describe('Unleash adapter: a malformed feature (Admin API mode)', function () {
  it('resolves with the good flags and lists the malformed one in skipped', async function () {
    const snapshot = await read('admin', namelessStrategy());
    assert.deepEqual(keys(snapshot), ['checkout-redesign', 'old-banner']);
    assert.deepEqual(
      snapshot.skipped?.map((s) => s.key),
      ['PROJ-7-new-onboarding'],
    );
  });

  it('names the field in the reason', async function () {
    const snapshot = await read('admin', namelessStrategy());
    assert.equal(snapshot.skipped![0]!.reason, 'environments[1].strategies: expected (Array<an Unleash strategy> | null | undefined)');
  });

  it('skips a feature whose search row is malformed, without printing the value', async function () {
    const data = standInData();
    featureIn(data, 'old-banner').search.tags = [{ type: 'jira', value: { secret: 'tag-value-9f1' } }];
    const snapshot = await read('admin', data);
    assert.deepEqual(keys(snapshot), ['PROJ-7-new-onboarding', 'checkout-redesign']);
    assert.deepEqual(snapshot.skipped, [{ key: 'old-banner', reason: 'tags: expected (Array<an Unleash tag> | null | undefined)' }]);
    assert.ok(!JSON.stringify(snapshot.skipped).includes('tag-value-9f1'));
  });

  it('has no skipped list when every feature is readable', async function () {
    const snapshot = await read('admin', standInData());
    assert.equal(snapshot.skipped, undefined);
  });

  it('rejects when a feature in the search has no readable name', async function () {
    const data = standInData();
    featureIn(data, 'checkout-redesign').search.name = null;
    const error = await rejection('admin', data);
    assert.equal(error.name, 'SourceError');
    assert.match(error.message, /feature search row 1: a feature without a readable name/);
  });

  it('rejects when the search page itself is malformed', async function () {
    const error = await rejection('admin', standInData(), (request) =>
      request.path === '/api/admin/search/features' ? { body: { features: { 0: 'not a list' }, total: 1 } } : undefined,
    );
    assert.equal(error.name, 'SourceError');
    assert.match(error.message, /\/api\/admin\/search\/features response: features: expected Array<unknown>/);
  });
});

describe('Unleash adapter: a malformed feature (client-token mode)', function () {
  it('skips a feature malformed in one environment as a whole, listed once', async function () {
    const snapshot = await read('client', namelessStrategy());
    assert.deepEqual(keys(snapshot), ['checkout-redesign', 'old-banner']);
    assert.deepEqual(snapshot.skipped, [
      {
        key: 'PROJ-7-new-onboarding',
        reason: 'environment production: strategies: expected (Array<an Unleash strategy> | null | undefined)',
      },
    ]);
  });

  it('skips a feature whose enabled is not a boolean, though the SDK reports it as an error', async function () {
    const data = standInData();
    featureIn(data, 'old-banner').feature.environments.find((e) => e.name === 'development')!.enabled = 'yes';
    const snapshot = await read('client', data);
    assert.deepEqual(keys(snapshot), ['PROJ-7-new-onboarding', 'checkout-redesign']);
    assert.deepEqual(snapshot.skipped, [{ key: 'old-banner', reason: 'environment development: enabled: expected boolean' }]);
  });

  it('lists a feature malformed in both environments once, with both reasons', async function () {
    const data = standInData();
    for (const env of featureIn(data, 'old-banner').feature.environments) env.enabled = 1;
    const snapshot = await read('client', data);
    assert.deepEqual(snapshot.skipped, [
      {
        key: 'old-banner',
        reason: 'environment production: enabled: expected boolean; environment development: enabled: expected boolean',
      },
    ]);
  });

  it('rejects when the client API sends a feature without a name', async function () {
    const data = standInData();
    delete (featureIn(data, 'old-banner').feature as Record<string, unknown>).name;
    const error = await rejection('client', data);
    assert.equal(error.name, 'SourceError');
    assert.match(error.message, /Unleash client feature \d for (production|development): a feature without a readable name/);
  });
});
