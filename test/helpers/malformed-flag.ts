import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSimulator, type Simulator } from '../../src/simulator';
import { runCli, type CliResult } from './cli';
import { writeSyncConfig } from './sync-config';

/** A running source for one provider: its config entry, the environment its secret references read, how to stop it. */
export interface MalformedFlagSource {
  readonly provider: Record<string, unknown>;
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

export interface MalformedFlagCase {
  /** Starts the adapter's source (a loopback stand-in of its API), with the flag readable. */
  readonly start: () => Promise<MalformedFlagSource>;
  /** The flag's Jira id, e.g. `unleash:PROJ-7-new-onboarding`. */
  readonly flagId: string;
  /** Makes the flag's data malformed in the running source. */
  readonly breakFlag: () => void;
  /** The one warning the second run gives. */
  readonly warning: string;
}

/**
 * The specification every adapter shares for a flag already in Jira whose source data turns malformed: the next
 * `run --once` exits 0, keeps the flag (no DELETE, even without a mass-delete guard) and warns about it by name with
 * the field at fault. Call inside a `describe`.
 */
export function itKeepsAFlagThatTurnsMalformed(c: MalformedFlagCase): void {
  let source: MalformedFlagSource | undefined;
  let sim: Simulator | undefined;
  let dir: string | undefined;
  let second: CliResult;
  const deletes = () => sim!.requests.filter((r) => r.method === 'DELETE' && r.path.startsWith('/jira/featureflags/'));
  const provider = () =>
    (JSON.parse(second.stdout) as { providers: Array<{ ok: boolean; deleted: number; warnings: string[] }> }).providers[0]!;

  before(async function () {
    source = await c.start();
    sim = await startSimulator({});
    dir = await mkdtemp(path.join(os.tmpdir(), 'malformed-flag-'));
    // No mass-delete guard: were the flag left out of the snapshot, this run would delete it.
    const config = await writeSyncConfig(dir, sim, [source.provider], { sync: { massDeleteThreshold: 1 } });
    const first = await runCli(['run', '--once', '--config', config, '--json'], source.env);
    assert.equal(first.code, 0, first.stderr);
    assert.ok(sim.storedFlag(c.flagId) !== undefined, 'the first run stores the flag');
    c.breakFlag();
    sim.clearRequests();
    second = await runCli(['run', '--once', '--config', config, '--json'], source.env);
  });

  after(async function () {
    await sim?.close();
    await source?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('exits 0 with the provider ok', function () {
    assert.equal(second.code, 0, second.stderr);
    assert.equal(provider().ok, true);
  });

  it('sends no DELETE and keeps the flag in Jira', function () {
    assert.deepEqual([deletes().length, provider().deleted], [0, 0]);
    assert.ok(sim!.storedFlag(c.flagId) !== undefined);
  });

  it('warns about the flag by name, with the field at fault', function () {
    assert.deepEqual(provider().warnings, [c.warning]);
  });
}
