import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSimulator, type Simulator } from '../../../src/simulator';
import type { FixtureServer } from '../../../src/kit/testing';
import { FLIPT_TOKEN, fliptNamespaces, startFliptApi } from '../../../test/contract/sources/flipt-api';
import { runCli, type CliResult } from '../../../test/helpers/cli';
import { writeSyncConfig } from '../../../test/helpers/sync-config';

/** A flag already in Jira whose Flipt data turns malformed: the next `run --once` keeps it and warns by name. */
describe('flipt end to end: a flag that becomes malformed', function () {
  this.timeout(60_000);
  let api: FixtureServer;
  let sim: Simulator;
  let dir: string;
  let second: CliResult;
  const namespaces = JSON.parse(JSON.stringify(fliptNamespaces)) as Record<string, { flags: Record<string, unknown>[] }>;
  const deletes = () => sim.requests.filter((r) => r.method === 'DELETE' && r.path.startsWith('/jira/featureflags/'));
  const provider = () =>
    (JSON.parse(second.stdout) as { providers: Array<{ ok: boolean; deleted: number; warnings: string[] }> }).providers[0]!;

  before(async function () {
    api = await startFliptApi(namespaces);
    sim = await startSimulator({});
    dir = await mkdtemp(path.join(os.tmpdir(), 'flipt-malformed-'));
    const config = await writeSyncConfig(
      dir,
      sim,
      [
        {
          name: 'flipt',
          adapter: 'flipt',
          url: api.url,
          token: '${env:FLIPT_TOKEN}',
          environments: [{ name: 'production', namespace: 'prod', type: 'production' }, { name: 'staging' }],
        },
      ],
      // No mass-delete guard: were the flag left out of the snapshot, this run would delete it.
      { sync: { massDeleteThreshold: 1 } },
    );
    const env = { FLIPT_TOKEN };
    const first = await runCli(['run', '--once', '--config', config, '--json'], env);
    assert.equal(first.code, 0, first.stderr);
    assert.ok(sim.storedFlag('flipt:new-checkout') !== undefined, 'the first run stores the flag');
    namespaces.staging!.flags.find((f) => f.key === 'new-checkout')!.enabled = 'on';
    sim.clearRequests();
    second = await runCli(['run', '--once', '--config', config, '--json'], env);
  });

  after(async function () {
    await sim?.close();
    await api?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('exits 0 with the provider ok', function () {
    assert.equal(second.code, 0, second.stderr);
    assert.equal(provider().ok, true);
  });

  it('sends no DELETE and keeps the flag in Jira', function () {
    assert.deepEqual([deletes().length, provider().deleted], [0, 0]);
    assert.ok(sim.storedFlag('flipt:new-checkout') !== undefined);
  });

  it('warns about the flag by name, with the environment and field at fault', function () {
    assert.deepEqual(provider().warnings, [
      "flag flipt:new-checkout: skipped, the source's data could not be used: environment staging: enabled: expected boolean",
    ]);
  });
});
