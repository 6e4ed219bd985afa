import { strict as assert } from 'node:assert';
import { rm } from 'node:fs/promises';
import type { JiraFeatureFlag } from '../../../src/jira/payloads';
import { startSimulator, type Simulator } from '../../../src/simulator';
import { runCli } from '../../../test/helpers/cli';
import { tempDir } from '../../../test/helpers/flagd-fixtures';
import { writeSyncConfig } from '../../../test/helpers/sync-config';
import { startFakeRelay, unusedPortUrl, type FakeRelay } from './fake-relay';
import production from './fixtures/production.json';
import staging from './fixtures/staging.json';

/**
 * `flagsync run --once` as a process: the real SDK reads a loopback Relay stand-in, the core reconciles into the
 * Jira simulator. The provider entry is the issue's config as written, SDK keys coming from ${env:…} references.
 */
const PROD_KEY = 'sdk-5c1e0d7a-prod-77aa';
const STAGING_KEY = 'sdk-0b9a8f6e-stg-33cc';
const env = { LD_SDK_KEY_PROD: PROD_KEY, LD_SDK_KEY_STAGING: STAGING_KEY };

interface Summary {
  ok: boolean;
  providers: Array<{ name: string; ok: boolean; error: string | null; flags: number; created: number; deleted: number }>;
}

function provider(baseUri: string): Record<string, unknown> {
  return {
    name: 'ld',
    adapter: 'launchdarkly',
    baseUri,
    stream: false,
    projectKey: 'default',
    initTimeoutSeconds: 1,
    environments: [
      { name: 'production', type: 'production', sdkKey: '${env:LD_SDK_KEY_PROD}' },
      { name: 'staging', type: 'staging', sdkKey: '${env:LD_SDK_KEY_STAGING}' },
    ],
  };
}

describe('LaunchDarkly adapter end to end (flagsync run --once)', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let relay: FakeRelay;
  let dir: string;

  beforeEach(async () => {
    sim = await startSimulator({});
    relay = await startFakeRelay({ [PROD_KEY]: production, [STAGING_KEY]: staging });
    dir = await tempDir('flagsync-ld-');
  });
  afterEach(async () => {
    await relay.close();
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function syncOnce(baseUri: string, overrides: Record<string, string> = {}) {
    const config = await writeSyncConfig(dir, sim, [provider(baseUri)]);
    const result = await runCli(['run', '--once', '--json', '--config', config], { ...env, ...overrides });
    return { ...result, summary: JSON.parse(result.stdout || 'null') as Summary | null };
  }

  it("creates the issue's banner flag linked to PROJ-5 with 40% in production and off in staging", async () => {
    const result = await syncOnce(relay.url);
    assert.equal(result.code, 0, result.stderr);
    const stored = sim.storedFlag('ld:PROJ-5-banner') as JiraFeatureFlag;
    assert.deepEqual(
      {
        issues: stored.associations[0]?.values,
        details: stored.details.map((d) => [
          d.environment.name,
          d.environment.type,
          d.status.enabled,
          d.status.defaultValue,
          d.status.rollout?.percentage,
          d.url,
        ]),
      },
      {
        issues: ['PROJ-5'],
        details: [
          [
            'production',
            'production',
            true,
            'false',
            40,
            'https://app.launchdarkly.com/projects/default/flags/PROJ-5-banner/targeting?env=production',
          ],
          [
            'staging',
            'staging',
            false,
            'false',
            undefined,
            'https://app.launchdarkly.com/projects/default/flags/PROJ-5-banner/targeting?env=staging',
          ],
        ],
      },
    );
  });

  it('does not send the deleted flag', async () => {
    const result = await syncOnce(relay.url);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(sim.storedFlag('ld:DEMO-3-legacy-export'), undefined);
  });

  it('a bad SDK key: exit 1 naming provider and environment, nothing deleted, key never printed', async () => {
    assert.equal((await syncOnce(relay.url)).code, 0);
    sim.clearRequests();
    const result = await syncOnce(relay.url, { LD_SDK_KEY_STAGING: 'sdk-revoked-9999' });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.summary!.providers[0]!.error ?? '', /environment "staging": SDK key rejected \(401\)/);
    assert.equal(sim.requests.filter((r) => r.method === 'DELETE').length, 0);
    assert.ok(sim.storedFlag('ld:PROJ-5-banner') !== undefined);
    assert.ok(!`${result.stdout}${result.stderr}`.includes('sdk-revoked-9999'));
  });

  it('a flag already in Jira becomes malformed: kept in Jira (no DELETE), the warning names it, the rest syncs', async () => {
    assert.equal((await syncOnce(relay.url)).code, 0);
    await relay.close();
    // LaunchDarkly gives every change a new version; the same version would be the data the last run accepted.
    const banner = { ...production.flags['PROJ-5-banner'], version: 15, fallthrough: 'oops' };
    relay = await startFakeRelay({
      [PROD_KEY]: { ...production, flags: { ...production.flags, 'PROJ-5-banner': banner } },
      [STAGING_KEY]: staging,
    });
    sim.clearRequests();
    const result = await syncOnce(relay.url);
    assert.deepEqual(
      [result.code, sim.requests.filter((r) => r.method === 'DELETE').length, sim.storedFlag('ld:PROJ-5-banner') !== undefined],
      [0, 0, true],
    );
    assert.match(
      `${result.stdout}${result.stderr}`,
      /flag ld:PROJ-5-banner: skipped, the source's data could not be used: environment \\?"production\\?": fallthrough: expected a variation or rollout/,
    );
  });

  it('the Relay Proxy down: exit 1 within the init timeout, nothing deleted', async () => {
    assert.equal((await syncOnce(relay.url)).code, 0);
    sim.clearRequests();
    const started = Date.now();
    const result = await syncOnce(await unusedPortUrl());
    assert.deepEqual(
      [result.code, result.summary!.providers[0]!.ok, sim.requests.filter((r) => r.method === 'DELETE').length],
      [1, false, 0],
    );
    assert.match(
      result.summary!.providers[0]!.error ?? '',
      /^environment "(production|staging)": no flag data from http:\/\/127\.0\.0\.1:\d+ within 1 s/,
    );
    assert.ok(Date.now() - started < 15_000, 'the run must not hang');
  });
});
