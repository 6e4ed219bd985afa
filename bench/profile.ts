/**
 * Profiles the built CLI on the flagd scenarios of the bench: the same generated files, config and Jira simulator,
 * the scenarios in the same order on one state file, each `bin/flagsync.js run --once` with `--cpu-prof` (or
 * `--heap-prof`) writing into OUT/<scenario number>/. Prints CPU and peak RSS per scenario (profiling adds its own
 * cost: take figures from `npm run bench`). Read a profile in Chrome DevTools or any .cpuprofile viewer.
 *
 *   npx tsx bench/profile.ts [--flags N] [--heap] [--out DIR] [--cli PATH]   (build first: npm run build)
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSimulator } from '../src/simulator';
import { measureNode } from './measure';
import { flagdScenarios } from './scenarios/flagd';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
}

async function main(): Promise<void> {
  const count = Number(option('flags') ?? 10_000);
  const kind = process.argv.includes('--heap') ? 'heap' : 'cpu';
  const out = path.resolve(option('out') ?? path.join(os.tmpdir(), 'flagsync-profiles'));
  const cli = path.resolve(option('cli') ?? path.join(__dirname, '..', 'bin', 'flagsync.js'));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flagsync-profile-'));
  const sim = await startSimulator({});
  try {
    const set = await flagdScenarios(count, dir, sim);
    for (const [i, scenario] of set.scenarios.entries()) {
      await scenario.prepare();
      const into = path.join(out, String(i + 1));
      mkdirSync(into, { recursive: true });
      const cost = await measureNode(
        [`--${kind}-prof`, `--${kind}-prof-dir=${into}`],
        [cli, 'run', '--once', '--json', '--log-level', 'error', '--config', set.config],
      );
      const figures = `${(cost.cpuMs / 1000).toFixed(2)} s CPU, ${cost.peakRssMb.toFixed(0)} MB peak RSS, exit ${cost.exitCode}`;
      process.stdout.write(`${i + 1}. ${scenario.name}: ${figures}; ${into}\n`);
    }
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`profile failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
