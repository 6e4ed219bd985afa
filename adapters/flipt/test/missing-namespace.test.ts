import { strict as assert } from 'node:assert';
import { rm } from 'node:fs/promises';
import { builtInRegistry } from '../../../src/adapter-host/registry';
import { syncOnce } from '../../../src/cli/commands/sync';
import { loadConfig } from '../../../src/config';
import type { FlagSource } from '../../../src/kit';
import { flagSourceFromEntry, type FixtureServer } from '../../../src/kit/testing';
import { silentLogger } from '../../../src/log';
import { startSimulator, type Simulator } from '../../../src/simulator';
import { FLIPT_TOKEN, fliptNamespaces, startFliptApi } from '../../../test/contract/sources/flipt-api';
import { tempDir } from '../../../test/helpers/flagd-fixtures';
import { writeSyncConfig } from '../../../test/helpers/sync-config';
import { adapter } from '..';
import { startFliptFront, type FliptFront } from './snapshot-front';

type Namespaces = Record<string, { flags: Record<string, unknown>[] }>;

const live = (): AbortSignal => new AbortController().signal;

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  return assert.fail('resolved instead of rejecting');
}

/**
 * A namespace Flipt does not hold (a typo, a namespace renamed or removed). Flipt with SQL storage, as the API
 * stand-in here, lists no flags for it (200, empty), nor any in its evaluation snapshot: only
 * `GET /api/v1/namespaces/{key}` says it is missing (404). The read fails for it, so the snapshot fails as a whole
 * and nothing in Jira changes, instead of every flag leaving that environment.
 */
describe('Flipt: a namespace that does not exist', function () {
  this.timeout(30_000);
  let api: FixtureServer;
  let front: FliptFront;
  let data: Namespaces;
  beforeEach(async () => {
    data = structuredClone(fliptNamespaces) as Namespaces;
    api = await startFliptApi(data);
    front = await startFliptFront(api.url, 'etag');
  });
  afterEach(async () => {
    await front.close();
    await api.close();
  });

  const source = (environments: readonly Record<string, unknown>[]): FlagSource =>
    flagSourceFromEntry(adapter, { name: 'flipt', url: front.url, token: FLIPT_TOKEN, environments });

  const bothEnvironments = [{ name: 'production', namespace: 'prod', type: 'production' }, { name: 'staging' }];

  it('a typo in the namespace fails the snapshot, naming the environment, the namespace and the URL (never the token)', async () => {
    const error = await rejectionOf(
      source([{ name: 'production', namespace: 'prodd', type: 'production' }, { name: 'staging' }]).snapshot(live()),
    );
    assert.equal(error.name, 'SourceError');
    assert.match(error.message, /environment "production" \(namespace "prodd"\): namespace "prodd" does not exist in Flipt/);
    assert.ok(error.message.includes(`${front.url}/api/v1/namespaces/prodd`), error.message);
    assert.ok(!error.message.includes(FLIPT_TOKEN));
    assert.ok(
      front.requests.some((r) => r.path === '/api/v1/namespaces/prodd/flags'),
      'its flag list was read, and listed no flag (as Flipt with SQL storage answers):',
    );
    const list = await fetch(`${api.url}/api/v1/namespaces/prodd/flags`, { headers: { authorization: `Bearer ${FLIPT_TOKEN}` } });
    assert.deepEqual([list.status, await list.json()], [200, { flags: [], nextPageToken: '', totalCount: 0 }]);
  });

  it('a Flipt 2 server (no namespaces under /api/v1) is named as not supported, not as a missing namespace', async () => {
    const v2 = await startFliptApi(data, { info: { body: { version: 'v2.0.1' } } });
    try {
      const flipt = flagSourceFromEntry(adapter, {
        name: 'flipt',
        url: v2.url,
        token: FLIPT_TOKEN,
        environments: [{ name: 'production', namespace: 'prodd', type: 'production' }],
      });
      const error = await rejectionOf(flipt.snapshot(live()));
      assert.match(error.message, /Flipt 2 answers no namespace through \/api\/v1 .*Flipt 2 is not supported yet/);
    } finally {
      await v2.close();
    }
  });

  it('the namespace an environment defaults to (its name) is checked too', async () => {
    const error = await rejectionOf(source([{ name: 'production', type: 'production' }]).snapshot(live()));
    assert.match(error.message, /namespace "production" does not exist in Flipt/);
  });

  it('a namespace removed after an accepted read fails snapshotUnlessUnchanged (its version moved, so it reads)', async () => {
    const flipt = source(bothEnvironments);
    const { sourceFingerprint } = await flipt.snapshot(live());
    delete data['staging'];
    const error = await rejectionOf(flipt.snapshotUnlessUnchanged!(live(), sourceFingerprint!));
    assert.match(error.message, /namespace "staging" does not exist in Flipt/);
  });

  it('a namespace removed after an accepted read: isUnchanged says "changed", and the read it serves fails', async () => {
    const flipt = source(bothEnvironments);
    const { sourceFingerprint } = await flipt.snapshot(live());
    delete data['staging'];
    assert.equal(await flipt.isUnchanged!(live(), sourceFingerprint!), false);
    const error = await rejectionOf(flipt.snapshot(live()));
    assert.match(error.message, /namespace "staging" does not exist in Flipt/);
  });
});

describe('Flipt: a namespace that does not exist, through a sync into Jira', function () {
  this.timeout(30_000);
  let api: FixtureServer;
  let sim: Simulator;
  let dir: string;
  let data: Namespaces;
  beforeEach(async () => {
    data = structuredClone(fliptNamespaces) as Namespaces;
    api = await startFliptApi(data);
    sim = await startSimulator({});
    dir = await tempDir('flipt-missing-ns-');
  });
  afterEach(async () => {
    await sim.close();
    await api.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function sync(environments: readonly Record<string, unknown>[]) {
    const file = await writeSyncConfig(dir, sim, [{ name: 'flipt', adapter: 'flipt', url: api.url, token: FLIPT_TOKEN, environments }]);
    return syncOnce(await loadConfig(file, builtInRegistry()), silentLogger, { dryRun: false, allowMassDelete: false });
  }
  const jiraWrites = () => sim.requests.filter((r) => r.path.includes('/featureflags/') && r.method !== 'GET');

  it("a renamed namespace changes nothing in Jira: the run fails, no environment's detail is dropped", async () => {
    const first = await sync([{ name: 'production', namespace: 'prod', type: 'production' }, { name: 'staging' }]);
    assert.equal(first.results[0]!.created, 2);
    // "staging" renamed in Flipt; the config still names it.
    data['stage'] = data['staging']!;
    delete data['staging'];
    sim.clearRequests();
    const second = await sync([{ name: 'production', namespace: 'prod', type: 'production' }, { name: 'staging' }]);
    assert.deepEqual(
      jiraWrites().map((r) => `${r.method} ${r.path}`),
      [],
    );
    assert.equal(second.ok, false);
    assert.match(second.results[0]!.error ?? '', /namespace "staging" does not exist in Flipt/);
  });

  it('with one environment, a missing namespace deletes nothing', async () => {
    const first = await sync([{ name: 'production', namespace: 'prod', type: 'production' }]);
    assert.equal(first.results[0]!.created, 2);
    delete data['prod'];
    sim.clearRequests();
    const second = await sync([{ name: 'production', namespace: 'prod', type: 'production' }]);
    assert.deepEqual(
      { deleted: second.results[0]!.deleted, deletesRefused: second.results[0]!.deletesRefused, jira: jiraWrites().length },
      { deleted: 0, deletesRefused: 0, jira: 0 },
    );
    assert.equal(second.ok, false);
    assert.match(second.results[0]!.error ?? '', /namespace "prod" does not exist in Flipt/);
  });
});
