import { strict as assert } from 'node:assert';
import { mkdir, readFile, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { startSimulator, type Simulator } from '../../src/simulator';
import { builtInRegistry } from '../../src/adapter-host/registry';
import { purgeWith } from '../../src/cli/commands/purge';
import { loadConfig } from '../../src/config';
import { FileStateStore } from '../../src/store/file/file-state-store';
import { runCli } from '../helpers/cli';
import { linkedFlags, tempDir, writeEnvironments } from '../helpers/flagd-fixtures';
import { flagdProvider, writeSyncConfig } from '../helpers/sync-config';

const storedIds = (sim: Simulator): string[] => (sim.stored('featureflags') as Array<{ id: string }>).map((f) => f.id).sort();

describe('CLI: working on one provider (run/plan --provider, purge)', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let dir: string;
  let config: string;

  beforeEach(async () => {
    sim = await startSimulator({});
    dir = await tempDir();
    await mkdir(path.join(dir, 'a'));
    await mkdir(path.join(dir, 'b'));
    await writeEnvironments(path.join(dir, 'a'), linkedFlags(3, 1));
    await writeEnvironments(path.join(dir, 'b'), linkedFlags(3, 11));
    config = await writeSyncConfig(dir, sim, [flagdProvider('alpha', path.join(dir, 'a')), flagdProvider('beta', path.join(dir, 'b'))]);
    assert.equal((await runCli(['run', '--once', '--config', config])).code, 0);
  });
  afterEach(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('run --provider syncs that provider only and leaves the others alone', async () => {
    await writeEnvironments(path.join(dir, 'a'), linkedFlags(4, 1));
    await writeEnvironments(path.join(dir, 'b'), linkedFlags(4, 11));
    const result = await runCli(['run', '--once', '--json', '--provider', 'alpha', '--config', config]);
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(result.stdout) as { providers: Array<{ name: string; created: number }> };
    assert.deepEqual(
      summary.providers.map((p) => [p.name, p.created]),
      [['alpha', 1]],
    );
    assert.ok(storedIds(sim).includes('alpha:PROJ-4-flag'));
    assert.ok(!storedIds(sim).includes('beta:PROJ-14-flag'));
  });

  it('plan --provider deletes only within that provider (the others are not taken for removed providers)', async () => {
    await writeEnvironments(path.join(dir, 'a'), linkedFlags(2, 1));
    const result = await runCli(['plan', '--json', '--provider', 'alpha', '--config', config]);
    assert.equal(result.code, 0, result.stderr);
    const plan = JSON.parse(result.stdout) as { providers: Array<{ name: string; delete: Array<{ id: string }> }> };
    assert.deepEqual(
      plan.providers.map((p) => [p.name, p.delete.map((d) => d.id)]),
      [['alpha', ['alpha:PROJ-3-flag']]],
    );
  });

  it('run --provider with a name not in the config: exit 2, nothing sent', async () => {
    sim.clearRequests();
    const result = await runCli(['run', '--once', '--provider', 'gamma', '--config', config]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--provider: no provider named "gamma".*\(providers: alpha, beta\)/);
    assert.equal(sim.requests.length, 0);
  });

  it('purge stopped after Jira deleted but before its save: the next run sends the provider again', async () => {
    const store = new FileStateStore(path.join(dir, 'state.json'));
    // What a crash between the delete and the save leaves: the write-ahead marks, not the save.
    const crashing = { ...store, load: store.load, append: store.append, save: () => Promise.reject(new Error('killed')) };
    const loaded = await loadConfig(config, builtInRegistry());
    await assert.rejects(purgeWith({ yes: true, json: true, config }, 'alpha', loaded, crashing), /killed/);
    assert.ok(!storedIds(sim).includes('alpha:PROJ-1-flag'), 'Jira deleted them');
    const state = JSON.parse(
      await readFile(path.join(dir, 'state.json.journal'), 'utf8').then((t) => `[${t.trim().split('\n').join(',')}]`),
    );
    assert.ok(Array.isArray(state) && state.length === 1, 'one write-ahead line');
    const result = await runCli(['run', '--once', '--json', '--config', config]);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(storedIds(sim).includes('alpha:PROJ-1-flag'), `sent again: ${result.stdout}`);
    assert.ok(storedIds(sim).includes('beta:PROJ-11-flag'));
  });

  it('purge without --yes shows what it would delete and deletes nothing', async () => {
    sim.clearRequests();
    const result = await runCli(['purge', '--provider', 'alpha', '--config', config]);
    assert.equal(result.code, 2);
    assert.match(result.stdout, /flagsyncProvider=alpha/);
    assert.match(
      result.stdout,
      /records 3 featureflags entities of "alpha":\n {4}- alpha:PROJ-1-flag\n {4}- alpha:PROJ-2-flag\n {4}- alpha:PROJ-3-flag/,
    );
    assert.match(result.stdout, /run again with --yes/);
    assert.equal(sim.requests.filter((r) => r.method === 'DELETE').length, 0);
    assert.equal(storedIds(sim).length, 6);
  });

  it("purge --yes deletes the provider's flags by property, keeps the others, and forgets its state records", async () => {
    const result = await runCli(['purge', '--provider', 'alpha', '--yes', '--config', config]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.deepEqual(storedIds(sim), ['beta:PROJ-11-flag', 'beta:PROJ-12-flag', 'beta:PROJ-13-flag']);
    const deletes = sim.requests.filter((r) => r.method === 'DELETE');
    assert.ok(deletes.every((r) => r.path.endsWith('/bulkByProperties')));
    assert.match(result.stdout, /featureflags: deleted in Jira; 3 state records removed/);
    assert.match(
      result.stdout,
      /^note: Jira deletes asynchronously; wait a few minutes before the next sync of alpha \(still in the config\)/m,
    );
    // alpha is still configured: the state no longer claims its flags, so the next run sends them again.
    sim.clearRequests();
    const again = await runCli(['run', '--once', '--json', '--config', config]);
    const summary = JSON.parse(again.stdout) as { providers: Array<{ name: string; created: number }> };
    assert.deepEqual(
      summary.providers.map((p) => [p.name, p.created]),
      [
        ['alpha', 3],
        ['beta', 0],
      ],
    );
  });

  it('purge --yes after the state file was lost still deletes everything Jira holds from the provider', async () => {
    await rm(path.join(dir, 'state.json'));
    const result = await runCli(['purge', '--provider', 'beta', '--yes', '--json', '--config', config]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const out = JSON.parse(result.stdout) as { ok: boolean; recorded: Record<string, string[]> };
    assert.equal(out.ok, true);
    assert.deepEqual(out.recorded['featureflags'], []);
    assert.deepEqual(storedIds(sim), ['alpha:PROJ-1-flag', 'alpha:PROJ-2-flag', 'alpha:PROJ-3-flag']);
  });
});
