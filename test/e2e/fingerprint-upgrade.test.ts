import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { builtInRegistry } from '../../src/adapter-host/registry';
import { syncOnce } from '../../src/cli/commands/sync';
import { closeProviders, createProviders } from '../../src/cli/wiring';
import { loadConfig } from '../../src/config';
import type { FlagSnapshot, NormalizedFlag } from '../../src/kit';
import { silentLogger } from '../../src/log';
import { mappingSeed } from '../../src/reconcile/desired-flags';
import { startSimulator, type Simulator } from '../../src/simulator';
import { linkedFlags, tempDir, writeEnvironments } from '../helpers/flagd-fixtures';
import { flagdProvider, writeSyncConfig } from '../helpers/sync-config';

/** A flag's source fingerprint as flagsync computed it before its current form: the flag without its times, as JSON. */
function earlierFingerprint(seedKey: string, flag: NormalizedFlag): string {
  const { lastUpdated: _flagTime, environments, ...data } = flag;
  const envs = environments.map(({ lastUpdated: _envTime, ...env }) => env);
  return createHash('sha1')
    .update(`${seedKey}${JSON.stringify(data)}${JSON.stringify(envs)}`)
    .digest('base64url')
    .slice(0, 22);
}

type StateFile = { entities: { featureflags: Record<string, { i?: string }> } };

/**
 * State written by a flagsync whose per-flag source fingerprints were computed another way: every fingerprint moved,
 * nothing in Jira did. The run maps each flag once, finds its Jira form unchanged and only records the new
 * fingerprint: not one request reaches Jira.
 */
describe('source fingerprints of an earlier form in state (an upgrade)', function () {
  this.timeout(30_000);
  let sim: Simulator;
  let dir: string;
  let configFile: string;
  const stateFile = () => path.join(dir, 'state.json');
  const readState = async () => JSON.parse(await readFile(stateFile(), 'utf8')) as StateFile;
  const fingerprints = (state: StateFile) => Object.fromEntries(Object.entries(state.entities.featureflags).map(([id, r]) => [id, r.i]));

  async function sync() {
    const config = await loadConfig(configFile, builtInRegistry());
    return syncOnce(config, silentLogger, { dryRun: false, allowMassDelete: false });
  }

  /** Rewrites state with each flag's fingerprint in the earlier form, computed from the adapter's own snapshot. */
  async function writeEarlierFingerprints(): Promise<void> {
    const config = await loadConfig(configFile, builtInRegistry());
    const [provider] = createProviders(config, silentLogger);
    try {
      const source = provider!.source;
      assert.equal(source.produces, 'flags');
      const snapshot = (await source.source.snapshot(new AbortController().signal)) as FlagSnapshot;
      const seed = mappingSeed({ provider: provider!.name, linking: provider!.linking, environmentTypes: provider!.environmentTypes });
      const seedKey = createHash('sha1').update(seed).digest('base64url').slice(0, 22);
      const state = await readState();
      for (const flag of snapshot.flags)
        state.entities.featureflags[`${provider!.name}:${flag.key}`]!.i = earlierFingerprint(seedKey, flag);
      await writeFile(stateFile(), JSON.stringify(state));
    } finally {
      await closeProviders([provider!], silentLogger);
    }
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

  it('files rewritten (other order): no request reaches Jira, and state takes the current fingerprints', async () => {
    assert.equal((await sync()).results[0]!.created, 12);
    const current = fingerprints(await readState());
    await writeEarlierFingerprints();
    assert.notDeepEqual(fingerprints(await readState()), current, 'the earlier form differs');
    // The same flags in reverse order: the files' bytes differ, so they are read and every flag is looked at.
    await writeEnvironments(dir, linkedFlags(12).reverse());
    sim.clearRequests();
    const report = await sync();
    assert.equal(report.ok, true);
    assert.equal(sim.requests.length, 0, sim.requests.map((r) => `${r.method} ${r.path}`).join(', '));
    assert.deepEqual(
      { unchanged: report.results[0]!.unchanged, created: report.results[0]!.created, updated: report.results[0]!.updated },
      { unchanged: 12, created: 0, updated: 0 },
    );
    assert.deepEqual(fingerprints(await readState()), current);
  });

  it('a flag that did change at the same time is the only one sent', async () => {
    await sync();
    await writeEarlierFingerprints();
    const flags = linkedFlags(12).reverse();
    await writeEnvironments(
      dir,
      flags.map((f) => (f.key === 'PROJ-3-flag' ? { ...f, percent: 99 } : f)),
    );
    sim.clearRequests();
    const report = await sync();
    assert.deepEqual({ unchanged: report.results[0]!.unchanged, updated: report.results[0]!.updated }, { unchanged: 11, updated: 1 });
    const sent = sim.requests.filter((r) => r.method === 'POST' && r.path.includes('/featureflags/'));
    assert.deepEqual(
      sent.flatMap((r) => (r.body as { flags: { id: string }[] }).flags.map((f) => f.id)),
      ['files:PROJ-3-flag'],
    );
  });
});
