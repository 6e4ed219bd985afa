/**
 * One fault scenario's world: the Jira simulator behind a fault proxy, flagd files as the source, a config whose
 * client secret is a `${file:}` reference, and flagsync run as a real process. `expectConverged` is the suite's one
 * verdict: Jira (read back from the simulator) holds exactly what the sources hold, and no secret reached any output
 * or the state.
 */
import { strict as assert } from 'node:assert';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { stringify } from 'yaml';
import type { JiraFeatureFlag } from '../../src/jira/payloads';
import { startSimulator, type Simulator } from '../../src/simulator';
import { startCli, type CliResult } from '../helpers/cli';
import { tempDir, writeEnvironments, type FixtureFlag } from '../helpers/flagd-fixtures';
import { FaultProxy } from './fault-proxy';

export interface World {
  readonly sim: Simulator;
  readonly proxy: FaultProxy;
  readonly dir: string;
  readonly stateDir: string;
  readonly config: string;
  /** Every output of every flagsync run so far (stdout and stderr). */
  readonly outputs: string[];
  flags: FixtureFlag[];
}

export async function startWorld(
  flags: FixtureFlag[],
  /** `state`: the config's state section (default: a file in `stateDir`). */
  options: { stateDir?: string; jira?: Record<string, unknown>; state?: Record<string, unknown> } = {},
): Promise<World> {
  const sim = await startSimulator({});
  const proxy = await FaultProxy.start(sim.url);
  const dir = await tempDir('flagsync-faults-');
  const stateDir = options.stateDir ?? path.join(dir, 'state');
  await writeFile(path.join(dir, 'client-secret'), `${sim.clientSecret}\n`);
  const config = path.join(dir, 'flagsync.yaml');
  await writeFile(
    config,
    stringify({
      jira: {
        cloudId: sim.cloudId,
        clientId: sim.clientId,
        clientSecret: '${file:client-secret}',
        tokenUrl: `${proxy.url}/oauth/token`,
        apiBaseUrl: proxy.url,
        concurrency: 2,
        maxAttempts: 2,
        requestTimeoutSeconds: 10,
        ...options.jira,
      },
      state: options.state ?? { path: path.join(stateDir, 'state.json') },
      sync: { massDeleteThreshold: 0.5 },
      providers: [
        {
          name: 'files',
          adapter: 'flagd',
          urlTemplate: 'https://git.example/flags/blob/main/{environment}.flagd.json#{key}',
          environments: [
            { name: 'production', type: 'production', source: path.join(dir, 'production.flagd.json') },
            { name: 'staging', type: 'staging', source: path.join(dir, 'staging.flagd.json') },
          ],
        },
      ],
    }),
  );
  const world: World = { sim, proxy, dir, stateDir, config, outputs: [], flags };
  await setFlags(world, flags);
  return world;
}

export async function stopWorld(world: World): Promise<void> {
  await world.proxy.close();
  await world.sim.close();
  await rm(world.dir, { recursive: true, force: true });
}

export async function setFlags(world: World, flags: FixtureFlag[]): Promise<void> {
  world.flags = flags;
  await writeEnvironments(world.dir, flags);
}

/** One `flagsync run --once`; a 'kill' rule of the proxy kills this process. */
export async function runFlagsync(world: World, args: readonly string[] = []): Promise<CliResult> {
  const { child, done } = startCli(['run', '--once', '--config', world.config, ...args]);
  world.proxy.target = child;
  const result = await done;
  world.proxy.target = undefined;
  world.outputs.push(result.stdout, result.stderr);
  return result;
}

/** The same flags with every rollout moved: new content for each. */
export function changed(flags: readonly FixtureFlag[]): FixtureFlag[] {
  return flags.map((f) => ({ ...f, percent: ((f.percent ?? 0) + 37) % 101 }));
}

async function stateFiles(world: World): Promise<string[]> {
  const names = await readdir(world.stateDir).catch(() => [] as string[]);
  return Promise.all(names.map((n) => readFile(path.join(world.stateDir, n), 'utf8').catch(() => '')));
}

/** Names of leftover temp files in the state folder (a failed save must remove its own). */
export async function tempFiles(world: World): Promise<string[]> {
  return (await readdir(world.stateDir).catch(() => [] as string[])).filter((n) => n.endsWith('.tmp') || n.endsWith('.probe'));
}

/**
 * The verdict after a clean run: Jira holds exactly the source's flags (none lost, none left over, none wrongly
 * deleted) with the source's content, and no secret appears in any output or state file.
 */
export async function expectConverged(world: World): Promise<void> {
  const stored = world.sim.stored('featureflags') as JiraFeatureFlag[];
  const byId = new Map(stored.map((f) => [f.id, f]));
  const wanted = world.flags.map((f) => `files:${f.key}`).sort();
  assert.deepEqual([...byId.keys()].sort(), wanted, 'Jira holds exactly the flags of the source');
  const wrong = world.flags.filter((f) => {
    const production = byId.get(`files:${f.key}`)!.details.find((d) => d.environment.name === 'production');
    const expected = f.percent === undefined ? undefined : { percentage: f.percent };
    return JSON.stringify(production?.status.rollout) !== JSON.stringify(expected);
  });
  assert.deepEqual(
    wrong.map((f) => f.key),
    [],
    'flags whose content in Jira differs from the source',
  );
  const secrets = [world.sim.clientSecret, ...world.proxy.tokens];
  const texts = [...world.outputs, ...(await stateFiles(world))];
  for (const secret of secrets) {
    assert.ok(!texts.some((t) => t.includes(secret)), `a secret (${secret.slice(0, 3)}…) reached an output or the state`);
  }
  assert.ok(world.proxy.tokens.size > 0, 'the proxy saw the access tokens it checks for');
}

/** `count` linked flags OPS-<i>-flag with varied rollouts. */
export function faultFlags(count: number): FixtureFlag[] {
  return Array.from({ length: count }, (_, i) => ({ key: `OPS-${i + 1}-flag`, percent: (i * 7) % 101 }));
}
