/**
 * providerMetadata.product: each built-in adapter names its source product (with the version where the source tells
 * it) on its provider's bulk requests; an adapter that names none gets "flagsync <version>". Read back from the
 * simulator over HTTP (`GET /__sim/requests`), as Jira received it. The Unleash adapter's case runs against the real
 * Unleash server: adapters/unleash/test/provider-metadata.test.ts.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import * as path from 'node:path';
import type { AdapterRegistry } from '../../src/config';
import type { AdapterFactory } from '../../src/kit/contract';
import { flagAdapter, registryWith } from '../helpers/flag-adapters';
import type { FixtureServer } from '../../src/kit/testing';
import { syncOnce } from '../../src/cli/commands/sync';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/log';
import { startSimulator, type Simulator } from '../../src/simulator';
import { startFakeRelay, type FakeRelay } from '../../adapters/launchdarkly/test/fake-relay';
import production from '../../adapters/launchdarkly/test/fixtures/production.json';
import { FLIPT_TOKEN, startFliptApi, type FliptApiOptions } from '../contract/sources/flipt-api';
import { registryWithGit, TestRepo } from '../helpers/git-repo';
import { tempDir, writeEnvironments } from '../helpers/flagd-fixtures';
import { ofProvider, providerMetadataSent } from '../helpers/provider-metadata';
import { flagdProvider, writeSyncConfig } from '../helpers/sync-config';

/** A source that may know what it is: one flag linked to PROJ-7; `product` as the test gives it. */
function acmeFactory(product: string | undefined): AdapterFactory {
  return flagAdapter('acme', (context) => ({
    environments: ['production'],
    ...(product === undefined ? {} : { product }),
    snapshot: () =>
      Promise.resolve({
        flags: [
          {
            provider: context.providerName,
            key: 'PROJ-7-banner',
            tags: [],
            issueKeys: [],
            url: 'https://flags.acme.example/banner',
            environments: [{ name: 'production', enabled: true }],
          },
        ],
      }),
  }));
}

const packageVersion = async () =>
  (JSON.parse(await readFile(path.join(__dirname, '../../package.json'), 'utf8')) as { version: string }).version;

describe('providerMetadata.product on bulk requests', function () {
  this.timeout(30_000);
  let sim: Simulator;
  let dir: string;

  beforeEach(async () => {
    sim = await startSimulator({});
    dir = await tempDir('flagsync-product-');
  });
  afterEach(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function sync(providers: readonly Record<string, unknown>[], registry: AdapterRegistry = registryWithGit()) {
    const configFile = await writeSyncConfig(dir, sim, providers);
    const report = await syncOnce(await loadConfig(configFile, registry), silentLogger, { dryRun: false, allowMassDelete: false });
    assert.equal(report.ok, true, JSON.stringify(report.results));
    return report;
  }

  it('names flagsync and its version for an adapter that names no product, and the product of one that does', async () => {
    await sync(
      [
        { name: 'plain', adapter: 'plain', environments: [{ name: 'production' }] },
        { name: 'acme-main', adapter: 'acme', environments: [{ name: 'production' }] },
      ],
      registryWith({ plain: acmeFactory(undefined), acme: acmeFactory('Acme Flags 3.2.1') }),
    );
    assert.deepEqual(await providerMetadataSent(sim, ofProvider('plain')), [{ product: `flagsync ${await packageVersion()}` }]);
    assert.deepEqual(await providerMetadataSent(sim, ofProvider('acme-main')), [{ product: 'Acme Flags 3.2.1' }]);
  });

  it('flagd: "flagd"', async () => {
    await writeEnvironments(dir, [{ key: 'PROJ-1-flag', percent: 5 }]);
    await sync([flagdProvider('files', dir)]);
    assert.deepEqual(await providerMetadataSent(sim, ofProvider('files')), [{ product: 'flagd' }]);
  });

  it('LaunchDarkly (through a Relay Proxy): "LaunchDarkly"', async () => {
    const sdkKey = 'sdk-product-test-prod-5e1a';
    const relay: FakeRelay = await startFakeRelay({ [sdkKey]: production });
    try {
      await sync([
        {
          name: 'ld',
          adapter: 'launchdarkly',
          baseUri: relay.url,
          stream: false,
          initTimeoutSeconds: 2,
          environments: [{ name: 'production', type: 'production', sdkKey }],
        },
      ]);
    } finally {
      await relay.close();
    }
    assert.deepEqual(await providerMetadataSent(sim, ofProvider('ld')), [{ product: 'LaunchDarkly' }]);
  });

  describe('Flipt: "Flipt <version>" from GET /meta/info', () => {
    let api: FixtureServer | undefined;
    afterEach(async () => {
      await api?.close();
      api = undefined;
    });

    async function syncFlipt(options: FliptApiOptions) {
      api = await startFliptApi(undefined, options);
      await sync([
        {
          name: 'flipt',
          adapter: 'flipt',
          url: api.url,
          token: FLIPT_TOKEN,
          environments: [{ name: 'production', namespace: 'prod', type: 'production' }, { name: 'staging' }],
        },
      ]);
      return providerMetadataSent(sim, ofProvider('flipt'));
    }

    it('names the version Flipt reports, without its "v"', async () => {
      const products = await syncFlipt({ info: { body: { version: 'v1.58.2', commit: '5a1b9c0', isRelease: true } } });
      assert.deepEqual(products, [{ product: 'Flipt 1.58.2' }]);
      assert.ok(
        api!.requests.some((r) => r.path === '/meta/info' && r.headers.authorization === `Bearer ${FLIPT_TOKEN}`),
        'asked with the token',
      );
    });

    it('names Flipt alone, and syncs, when /meta/info is missing', async () => {
      assert.deepEqual(await syncFlipt({}), [{ product: 'Flipt' }]);
    });

    it('names Flipt alone, and syncs, when /meta/info fails', async () => {
      assert.deepEqual(await syncFlipt({ info: { status: 500, body: { message: 'boom' } } }), [{ product: 'Flipt' }]);
    });

    it('names Flipt alone for a development build ("dev")', async () => {
      assert.deepEqual(await syncFlipt({ info: { body: { version: 'dev' } } }), [{ product: 'Flipt' }]);
    });

    it('names Flipt alone when the version is too long to be one', async () => {
      assert.deepEqual(await syncFlipt({ info: { body: { version: `1.${'9'.repeat(60)}` } } }), [{ product: 'Flipt' }]);
    });
  });

  it('git: "Git <version>" of the git that read the repositories', async () => {
    const repo = new TestRepo(path.join(dir, 'web'));
    repo.commit('PROJ-1 first');
    await sync([{ name: 'code', adapter: 'git', repositories: [{ path: repo.dir, name: 'web', url: 'https://git.example/acme/web' }] }]);
    const gitVersion = /^git version (\S+)/.exec(execFileSync('git', ['--version'], { encoding: 'utf8' }))![1]!;
    assert.deepEqual(await providerMetadataSent(sim, (id) => id === 'web'), [{ product: `Git ${gitVersion}` }]);
  });
});
