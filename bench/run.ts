/**
 * `npm run bench`: the user's path, measured from outside. The built CLI (`bin/flagsync.js run --once`) runs as its
 * own process per scenario against generated sources and the Jira simulator on loopback; wall time, CPU and peak RSS
 * come from that process, requests from the simulator. A minimum-work reference (minimum-work.cjs) runs on the same
 * files in the same run, and every scenario is printed as a ratio of it. The in-memory planner is one row.
 *
 * Options: --flags N (default 100000; commits for git), --quick (10000), --adapters flagd,unleash,unleash-client,
 * launchdarkly,git or all (default flagd), --no-build (use dist/ as it is), --cli PATH (measure another build's
 * bin/flagsync.js), --repeat N (each figure the median of N passes), --json, --write (put the table into bench/README.md).
 * Goals are reported, never asserted in tests (README.md "Benchmark").
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSimulator, type Simulator } from '../src/simulator';
import { measureNode, type ProcessCost } from './measure';
import type { PlannerFigures } from './planner';
import { medianRows, renderTable, writeReadme, type Row } from './report';
import { flagdScenarios } from './scenarios/flagd';
import { fliptScenarios } from './scenarios/flipt';
import { gitScenarios } from './scenarios/git';
import { launchDarklyScenarios } from './scenarios/launchdarkly';
import { flagLowerBound, jiraSection, type ScenarioSet } from './scenarios/scenario';
import { unleashScenarios } from './scenarios/unleash';

const root = path.resolve(__dirname, '..');

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

/** Every adapter's scenarios: the built CLI against generated sources (stand-ins served by the bench on loopback). */
const scenarioSets: Record<string, (count: number, dir: string, sim: Simulator) => Promise<ScenarioSet>> = {
  flagd: flagdScenarios,
  unleash: (count, dir, sim) => unleashScenarios(count, dir, sim, 'admin'),
  'unleash-client': (count, dir, sim) => unleashScenarios(count, dir, sim, 'client'),
  launchdarkly: launchDarklyScenarios,
  git: gitScenarios,
  flipt: (count, dir, sim) => fliptScenarios(count, dir, sim, 'etag'),
  'flipt-body': (count, dir, sim) => fliptScenarios(count, dir, sim, 'body'),
};

function requestCount(sim: Simulator): number {
  return sim.requests.filter((r) => !r.path.startsWith('/__sim/')).length;
}

/** Writes a run is expected to send, from its JSON summary; throws when the run did not do what the scenario says. */
function checkSummary(cost: ProcessCost, scenario: string, expectedWrites: number): number {
  let summary: { ok: boolean; providers: { created: number; updated: number; deleted: number; error: string | null }[] };
  try {
    summary = JSON.parse(cost.stdout) as typeof summary;
  } catch {
    throw new Error(`${scenario}: exit ${cost.exitCode}, no JSON summary; stderr: ${cost.stderr.slice(0, 2000)}`);
  }
  const writes = summary.providers.reduce((n, p) => n + p.created + p.updated + p.deleted, 0);
  const errors = summary.providers.flatMap((p) => (p.error === null ? [] : [p.error]));
  if (errors.length > 0 || writes !== expectedWrites) {
    throw new Error(`${scenario}: expected ${expectedWrites} writes, got ${writes} (exit ${cost.exitCode}) ${errors.join('; ')}`);
  }
  return writes;
}

/** One of the in-memory rows (core-rows.ts), measured in a process of its own. */
function coreRow<T>(which: 'planner' | 'state-io', count: number): T {
  const out = execFileSync(
    process.execPath,
    ['--expose-gc', '--max-old-space-size=2048', '--require', 'tsx/cjs', path.join(__dirname, 'core-rows.ts'), which, String(count)],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return JSON.parse(out.trim().split('\n').at(-1)!) as T;
}

async function measureReference(args: readonly string[]): Promise<ProcessCost> {
  const cost = await measureNode([], args);
  if (cost.exitCode !== 0) throw new Error(`minimum-work reference: exit ${cost.exitCode}: ${cost.stderr.slice(0, 2000)}`);
  return cost;
}

async function main(): Promise<void> {
  const quick = flag('quick');
  const count = Number(option('flags') ?? (quick ? 10_000 : 100_000));
  const chosen = option('adapters') ?? 'flagd';
  const adapters = chosen === 'all' ? Object.keys(scenarioSets) : chosen.split(',');
  // --cli: another build's bin/flagsync.js (e.g. a checkout of an older commit), for before/after figures.
  const otherCli = option('cli');
  if (!flag('no-build') && otherCli === undefined) {
    process.stderr.write('building dist/ (npm run build)…\n');
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  }
  const cli = otherCli === undefined ? path.join(root, 'bin', 'flagsync.js') : path.resolve(otherCli);
  // --repeat N: every scenario sequence N times from scratch; each figure is the median of the N (the machine's
  // run-to-run spread is about ±10%, enough to flip a goal's verdict on one sample).
  const repeat = Math.max(1, Number(option('repeat') ?? 1));
  const started = new Date();
  const load = os.loadavg()[0]!;
  const sim = await startSimulator({});
  // The reference sends its bodies to a Jira of its own: the CLI's Jira holds only what the CLI sent.
  const referenceJira = await startSimulator({});
  const rows: Row[] = [];
  try {
    for (const adapter of adapters) {
      const make = scenarioSets[adapter];
      if (make === undefined) throw new Error(`unknown adapter ${adapter} (known: ${Object.keys(scenarioSets).join(', ')})`);
      const passes: Row[][] = [];
      for (let pass = 0; pass < repeat; pass++) {
        const rows: Row[] = [];
        passes.push(rows);
        if (repeat > 1) process.stderr.write(`${adapter}: pass ${pass + 1} of ${repeat}\n`);
        const dir = await mkdtemp(path.join(os.tmpdir(), `flagsync-bench-${adapter}-`));
        let set: ScenarioSet | undefined;
        try {
          set = await make(count, dir, sim);
          let reference: ProcessCost | undefined;
          let referenceSending: ProcessCost | undefined;
          for (const scenario of set.scenarios) {
            await scenario.prepare();
            set.takeSourceRequests?.();
            if (scenario.referenceBefore === true && set.reference !== undefined) {
              reference = await measureReference(set.reference.args);
              rows.push({ adapter, scenario: 'minimum-work reference (same files, one process)', flags: count, cost: reference });
              const jira = jiraSection(referenceJira) as Record<string, string>;
              referenceSending = await measureReference(set.reference.sendingArgs(jira));
              rows.push({
                adapter,
                scenario: 'minimum work + Jira round trips (the same, each body sent to a simulator of its own)',
                flags: count,
                cost: referenceSending,
                reference,
              });
            }
            sim.clearRequests();
            process.stderr.write(`${adapter}: ${scenario.name}…\n`);
            const cost = await measureNode([], [cli, 'run', '--once', '--json', '--log-level', 'error', '--config', set.config]);
            const writes = checkSummary(cost, `${adapter}: ${scenario.name}`, scenario.writes);
            const requests = requestCount(sim);
            const lowerBound = scenario.lowerBound ?? (set.lowerBound ?? flagLowerBound)(writes);
            const sourceRequests = set.takeSourceRequests?.();
            rows.push({
              adapter,
              scenario: scenario.name,
              flags: count,
              unit: set.unit,
              cost,
              requests,
              lowerBound,
              sourceRequests,
              reference,
              referenceSending,
              goal: scenario.goal,
            });
            // Each row as it is measured: a later failure (or a long run cut short) keeps what was measured.
            process.stderr.write(
              `  wall ${(cost.wallMs / 1000).toFixed(2)} s, CPU ${(cost.cpuMs / 1000).toFixed(2)} s, peak RSS ${cost.peakRssMb.toFixed(0)} MB, Jira requests ${requests} (${lowerBound})${sourceRequests === undefined ? '' : `, source requests ${sourceRequests}`}, load ${os.loadavg()[0]!.toFixed(1)}\n`,
            );
          }
        } finally {
          await set?.close?.();
          await rm(dir, { recursive: true, force: true });
        }
      }
      rows.push(...medianRows(passes));
    }
  } finally {
    await sim.close();
    await referenceJira.close();
  }
  const planner = coreRow<PlannerFigures>('planner', count);
  rows.push({
    adapter: '(core)',
    scenario: 'in-memory planner: desiredFlags + planRun, nothing changed (no I/O, no parsing)',
    flags: count,
    cost: { wallMs: planner.wallMs, cpuMs: planner.cpuMs, peakRssMb: planner.heapMb, exitCode: 0, stdout: '', stderr: '' },
    heapOnly: true,
  });

  const stateIo = coreRow<{ loadMs: number; saveMs: number; cpuMs: number; bytes: number; heapMb: number }>('state-io', count);
  rows.push({
    adapter: '(core)',
    scenario: `state load + save through the file store (${(stateIo.bytes / 2 ** 20).toFixed(0)} MB; load ${(stateIo.loadMs / 1000).toFixed(2)} s, save ${(stateIo.saveMs / 1000).toFixed(2)} s)`,
    flags: count,
    cost: {
      wallMs: stateIo.loadMs + stateIo.saveMs,
      cpuMs: stateIo.cpuMs,
      peakRssMb: stateIo.heapMb,
      exitCode: 0,
      stdout: '',
      stderr: '',
    },
    heapOnly: true,
  });

  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, node ${process.version}, load average ${load.toFixed(1)} at start, ${os.loadavg()[0]!.toFixed(1)} at the end`;
  const header = { date: started.toISOString(), machine, command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim() };
  if (flag('json')) {
    process.stdout.write(`${JSON.stringify({ ...header, rows }, null, 2)}\n`);
  } else {
    process.stdout.write(`${renderTable(header, rows)}\n`);
  }
  if (flag('write')) await writeReadme(path.join(__dirname, 'README.md'), renderTable(header, rows));
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
