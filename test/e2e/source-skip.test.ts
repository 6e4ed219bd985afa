import { strict as assert } from 'node:assert';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { builtInRegistry } from '../../src/adapter-host/registry';
import { syncOnce } from '../../src/cli/commands/sync';
import { loadConfig } from '../../src/config';
import { silentLogger } from '../../src/log';
import { startSimulator, type Simulator } from '../../src/simulator';
import { FileStateStore } from '../../src/store/file/file-state-store';
import * as sinon from 'sinon';
import { serveRoutes } from '../../adapters/flagd/test/helpers';
import { flagdFile, linkedFlags, tempDir, writeEnvironments, type FixtureFlag } from '../helpers/flagd-fixtures';
import { fileStoreObservingLoad } from '../helpers/load-observer';
import { flagdProvider, writeSyncConfig } from '../helpers/sync-config';

/** flagd files byte-identical to the last fully accepted run are not read again; anything less than that is. */
describe('unchanged source skip (flagd files → simulator over loopback)', function () {
  this.timeout(30_000);
  let sim: Simulator;
  let dir: string;
  let configFile: string;
  const stateFile = () => path.join(dir, 'state.json');
  const writes = () => sim.requests.filter((r) => r.path.includes('/featureflags/') && r.method !== 'GET');

  async function sync(options: { store?: FileStateStore; dryRun?: boolean; allowMassDelete?: boolean } = {}) {
    const config = await loadConfig(configFile, builtInRegistry());
    return syncOnce(config, silentLogger, { dryRun: false, allowMassDelete: false, ...options });
  }

  beforeEach(async () => {
    sim = await startSimulator({});
    dir = await tempDir();
    await writeEnvironments(dir, linkedFlags(12));
    configFile = await writeSyncConfig(dir, sim, [flagdProvider('files', dir)]);
  });
  afterEach(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('byte-identical files after a fully accepted run: not read, nothing sent, state file not rewritten, counts kept', async () => {
    await sync();
    const state = JSON.parse(await readFile(stateFile(), 'utf8')) as { sources?: Record<string, { n: number }> };
    assert.equal(state.sources?.['files']?.n, 12, 'the accepted source is remembered');
    const before = await stat(stateFile());
    sim.clearRequests();
    const report = await sync();
    assert.equal(report.ok, true);
    assert.equal(writes().length, 0);
    assert.deepEqual(
      { seen: report.results[0]!.seen, unchanged: report.results[0]!.unchanged, deleted: report.results[0]!.deleted },
      { seen: 12, unchanged: 12, deleted: 0 },
    );
    assert.equal((await stat(stateFile())).mtimeMs, before.mtimeMs, 'state file not rewritten');
  });

  it('every source unchanged: the run ends from the summary beside the state, never loading the records', async () => {
    await sync();
    const store = new FileStateStore(stateFile());
    const load = sinon.spy(store, 'load');
    sim.clearRequests();
    const report = await sync({ store });
    assert.equal(load.callCount, 0, 'state records not loaded');
    assert.equal(sim.requests.length, 0, 'nothing asked of Jira, not even a token');
    assert.deepEqual(
      report.results.map((r) => [r.provider, r.ok, r.seen, r.unchanged, r.created + r.updated + r.deleted]),
      [['files', true, 12, 12, 0]],
    );
    const plan = await sync({ store, dryRun: true });
    assert.equal(load.callCount, 0, 'a plan of unchanged sources does not load them either');
    assert.deepEqual(
      plan.plan.providers.map((p) => [p.provider, p.unchanged, p.known, p.writes.length, p.deletes.length]),
      [['files', 12, 12, 0, 0]],
    );
  });

  it('a source that says cheaply it changed has state loaded before its snapshot is read (a lower peak)', async () => {
    const routes = { '/flags.json': { body: flagdFile(linkedFlags(5)), etag: '"v1"' } };
    const server = await serveRoutes(routes);
    try {
      const provider = { name: 'files', adapter: 'flagd', source: `${server.url}/flags.json`, environments: [{ name: 'production' }] };
      configFile = await writeSyncConfig(dir, sim, [provider]);
      await sync();
      routes['/flags.json'] = { body: flagdFile(linkedFlags(6)), etag: '"v2"' };
      const before = server.requests.length;
      let requestsAtLoad = -1;
      const store = fileStoreObservingLoad(stateFile(), () => (requestsAtLoad = server.requests.length - before));
      const report = await sync({ store });
      assert.equal(report.results[0]!.created, 1);
      assert.deepEqual(
        { atLoad: requestsAtLoad, inRun: server.requests.length - before },
        { atLoad: 1, inRun: 2 },
        'the check (If-None-Match), then state, then the read',
      );
    } finally {
      await server.close();
    }
  });

  it('a provider removed from the config: the summary cannot decide, so state is loaded and its flags deleted', async () => {
    const other = path.join(dir, 'other');
    await mkdir(other);
    await writeEnvironments(other, linkedFlags(3));
    configFile = await writeSyncConfig(dir, sim, [flagdProvider('files', dir), flagdProvider('gone', other)]);
    await sync();
    await sync();
    assert.notEqual(sim.storedFlag('gone:PROJ-1-flag'), undefined);
    configFile = await writeSyncConfig(dir, sim, [flagdProvider('files', dir)]);
    const store = new FileStateStore(stateFile());
    const load = sinon.spy(store, 'load');
    const report = await sync({ store, allowMassDelete: true });
    assert.equal(load.callCount, 1);
    assert.deepEqual(
      report.results.map((r) => [r.provider, r.unchanged, r.deleted]),
      [
        ['files', 12, 0],
        ['gone', 0, 3],
      ],
    );
    assert.equal(sim.storedFlag('gone:PROJ-1-flag'), undefined);
  });

  it('a flag removed from a file after a skipped run is deleted in Jira', async () => {
    await sync();
    await sync();
    await writeEnvironments(dir, linkedFlags(11));
    const report = await sync();
    assert.equal(report.results[0]!.deleted, 1);
    assert.equal(sim.storedFlag('files:PROJ-12-flag'), undefined);
  });

  it('a rejected flag is sent again next run although the files did not change', async () => {
    const flags: FixtureFlag[] = [...linkedFlags(2), { key: 'NOPE-7-only', percent: 5 }];
    await writeEnvironments(dir, flags);
    const first = await sync();
    assert.deepEqual(
      first.results[0]!.rejected.map((r) => r.id),
      ['files:NOPE-7-only'],
    );
    sim.clearRequests();
    const second = await sync();
    assert.deepEqual(
      second.results[0]!.rejected.map((r) => r.id),
      ['files:NOPE-7-only'],
      'read and sent again',
    );
  });

  it('flags whose send got no final answer are sent again next run although the files did not change', async () => {
    sim.injectFault({ type: 'status', status: 503, method: 'POST', path: '/bulk', times: 2 }); // maxAttempts is 2
    const first = await sync();
    assert.equal(first.results[0]!.failed.length, 12);
    const second = await sync();
    // Marked in flight before the first send (Jira may hold them), so they count as updates now, not creates.
    assert.equal(second.results[0]!.created + second.results[0]!.updated, 12);
    assert.equal(second.results[0]!.failed.length, 0);
  });

  it('a dirty record in state (Jira may hold something else) makes the files be read again', async () => {
    await sync();
    const state = JSON.parse(await readFile(stateFile(), 'utf8')) as { entities: { featureflags: Record<string, { s: number }> } };
    // What a send without a final answer leaves (apply.ts): the hash forgotten, the sequence id kept.
    const record = state.entities.featureflags['files:PROJ-4-flag']!;
    state.entities.featureflags['files:PROJ-4-flag'] = { h: '', s: record.s, p: 'files' } as never;
    await writeFile(stateFile(), JSON.stringify(state));
    sim.clearRequests();
    const report = await sync();
    assert.equal(report.results[0]!.updated, 1);
    assert.equal(writes().length, 1);
  });

  it('flag files over HTTP whose ETag Jira last accepted: asked with If-None-Match, 304, nothing sent; a new ETag is read', async () => {
    const routes = { '/flags.json': { body: flagdFile(linkedFlags(5)), etag: '"v1"' } };
    const server = await serveRoutes(routes);
    try {
      const provider = {
        name: 'files',
        adapter: 'flagd',
        source: `${server.url}/flags.json`,
        environments: [{ name: 'production', type: 'production' }],
      };
      configFile = await writeSyncConfig(dir, sim, [provider]);
      assert.equal((await sync()).results[0]!.created, 5);
      sim.clearRequests();
      const unchanged = await sync();
      assert.deepEqual(
        { unchanged: unchanged.results[0]!.unchanged, writes: writes().length, answered: server.requests.at(-1)!.status },
        { unchanged: 5, writes: 0, answered: 304 },
      );
      routes['/flags.json'] = { body: flagdFile(linkedFlags(6)), etag: '"v2"' };
      const changed = await sync();
      assert.equal(changed.results[0]!.created, 1);
    } finally {
      await server.close();
    }
  });
});
