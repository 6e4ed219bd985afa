/**
 * `npm run bench:daemon`: memory of the daemon (`bin/flagsync.js run`, the built CLI on a cron schedule) over many
 * cycles. flagd files of `--flags` flags × 4 environments; the first cycle creates every flag, and before each later
 * one the bench rewrites the files with 1% of the flags changed (a new revision), so every cycle reads, parses,
 * maps, plans, sends and saves. After each run (its "run finished" log line) the bench signals the daemon, whose
 * preload (daemon-probe.cjs) records RSS and heap as the run left them and after a full GC. A leak shows as a heap
 * after GC that keeps growing after warm-up; the bench prints its slope.
 *
 * Options: --cycles N (200), --flags N (10000), --schedule CRON ('*\/2 * * * * *'), --warmup N (20), --no-build,
 * --write (the summary into bench/README.md), --csv FILE (every cycle), --heap-snapshots DIR:N,M (heap snapshots
 * after cycles N and M, for heap-diff.cjs).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { stringify } from 'yaml';
import { startSimulator } from '../src/simulator';
import { writeDaemonReadme } from './report';
import { jiraSection } from './scenarios/scenario';
import { BENCH_ENVIRONMENTS, flagdFileText, type FlagdGeneration } from './sources/flagd-files';

const root = path.resolve(__dirname, '..');
const option = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const flag = (name: string) => process.argv.includes(`--${name}`);

interface Sample {
  readonly rss: number;
  readonly heapUsed: number;
  readonly rssAfterGc: number;
  readonly heapAfterGc: number;
  readonly externalAfterGc: number;
}

interface Cycle extends Sample {
  readonly cycle: number;
  readonly ok: boolean;
  readonly writes: number;
  readonly at: number;
}

const mb = (bytes: number) => bytes / 2 ** 20;

/** Least-squares slope of y over x. */
function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** Files are replaced by rename, so a run starting meanwhile reads the old generation or the new, never half. */
async function writeFiles(dir: string, count: number, generation: FlagdGeneration): Promise<string[]> {
  const files: string[] = [];
  for (let env = 0; env < BENCH_ENVIRONMENTS.length; env++) {
    const file = path.join(dir, `${BENCH_ENVIRONMENTS[env]}.flagd.json`);
    await writeFile(`${file}.tmp`, flagdFileText(count, env, generation));
    await rename(`${file}.tmp`, file);
    files.push(file);
  }
  return files;
}

async function waitFor(condition: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

async function main(): Promise<void> {
  const cycles = Number(option('cycles') ?? 200);
  const count = Number(option('flags') ?? 10_000);
  const warmup = Number(option('warmup') ?? 20);
  const schedule = option('schedule') ?? '*/2 * * * * *';
  if (!flag('no-build')) {
    process.stderr.write('building dist/ (npm run build)…\n');
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  }
  const started = new Date();
  const loadAtStart = os.loadavg()[0]!;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'flagsync-bench-daemon-'));
  const sim = await startSimulator({});
  const memoryFile = path.join(dir, 'memory.jsonl');
  const samples = (): Sample[] =>
    existsSync(memoryFile)
      ? readFileSync(memoryFile, 'utf8')
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => JSON.parse(l) as Sample)
      : [];
  const results: Cycle[] = [];
  try {
    const files = await writeFiles(dir, count, { changeEvery: 0 });
    const config = path.join(dir, 'flagsync.yaml');
    await writeFile(
      config,
      stringify({
        jira: jiraSection(sim),
        schedule,
        state: { path: path.join(dir, 'state.json') },
        sync: { providerTimeoutSeconds: 600 },
        providers: [
          {
            name: 'bench',
            adapter: 'flagd',
            urlTemplate: 'https://git.example/acme/flags/blob/main/{environment}.flagd.json#{key}',
            environments: BENCH_ENVIRONMENTS.map((name, i) => ({ name, source: files[i] })),
          },
        ],
      }),
    );
    const child = spawn(
      process.execPath,
      [
        '--expose-gc',
        '--require',
        path.join(__dirname, 'daemon-probe.cjs'),
        path.join(root, 'bin', 'flagsync.js'),
        'run',
        '--config',
        config,
      ],
      {
        env: {
          ...process.env,
          FLAGSYNC_BENCH_MEMORY: memoryFile,
          FLAGSYNC_BENCH_HEAP_SNAPSHOTS: option('heap-snapshots') ?? '',
          FLAGSYNC_LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    const exited = new Promise<number>((resolve) => child.once('close', (code) => resolve(code ?? -1)));
    const lines = createInterface({ input: child.stderr });
    let failure: string | undefined;
    // What the daemon printed that is no log line (a crash), for the error if it exits early.
    const other: string[] = [];
    for await (const line of lines) {
      let entry: { msg?: string; ok?: boolean; providers?: { created: number; updated: number; deleted: number }[] };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        other.push(line);
        if (other.length > 20) other.shift();
        continue;
      }
      if (entry.msg !== 'run finished' && entry.msg !== 'run failed') continue;
      const cycle = results.length + 1;
      child.kill('SIGUSR2');
      if (!(await waitFor(() => samples().length >= cycle, 30_000))) {
        failure = `no memory sample after cycle ${cycle}`;
        break;
      }
      const sample = samples()[cycle - 1]!;
      const writes = (entry.providers ?? []).reduce((n, p) => n + p.created + p.updated + p.deleted, 0);
      results.push({ cycle, ok: entry.ok === true, writes, at: Date.now(), ...sample });
      process.stderr.write(
        `cycle ${cycle}: ${entry.ok === true ? 'ok' : 'FAILED'}, ${writes} writes, RSS ${mb(sample.rss).toFixed(0)} MB, heap ${mb(sample.heapUsed).toFixed(0)} MB, after GC: RSS ${mb(sample.rssAfterGc).toFixed(0)} MB, heap ${mb(sample.heapAfterGc).toFixed(1)} MB\n`,
      );
      if (cycle >= cycles) break;
      await writeFiles(dir, count, { changeEvery: 100, revision: cycle });
    }
    child.kill('SIGTERM');
    const code = await exited;
    if (failure !== undefined) throw new Error(failure);
    if (results.length < cycles)
      throw new Error(`the daemon exited (code ${code}) after ${results.length} of ${cycles} cycles:\n${other.join('\n')}`);
  } finally {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  }

  const csv = option('csv');
  if (csv !== undefined) {
    const header = 'cycle,ok,writes,rss_mb,heap_mb,rss_after_gc_mb,heap_after_gc_mb,external_after_gc_mb';
    const rows = results.map((r) =>
      [r.cycle, r.ok, r.writes, mb(r.rss), mb(r.heapUsed), mb(r.rssAfterGc), mb(r.heapAfterGc), mb(r.externalAfterGc)]
        .map((v) => (typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(2) : String(v)))
        .join(','),
    );
    await writeFile(csv, `${[header, ...rows].join('\n')}\n`);
  }
  const after = results.filter((r) => r.cycle > warmup);
  const range = (pick: (r: Cycle) => number) => {
    const values = after.map(pick);
    return `${mb(Math.min(...values)).toFixed(1)}–${mb(Math.max(...values)).toFixed(1)}`;
  };
  const perCycle = (pick: (r: Cycle) => number) => (mb(slope(after.map((r) => [r.cycle, pick(r)]))) * 1024).toFixed(1);
  const changedCycles = results.filter((r) => r.cycle > 1 && r.writes > 0).length;
  const minutes = ((results.at(-1)!.at - results[0]!.at) / 60_000).toFixed(1);
  const summary = [
    `Measured ${started.toISOString()} on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}, load average ${loadAtStart.toFixed(1)} at start, ${os.loadavg()[0]!.toFixed(1)} at the end; \`npm run bench:daemon -- ${process.argv.slice(2).join(' ')}\`.`,
    '',
    `${results.length} cycles of \`flagsync run\` (schedule \`${schedule}\`) at ${count} flags × 4 environments in ${minutes} min: cycle 1 created every flag; ${changedCycles} of the ${results.length - 1} later cycles read 1% changed files and sent the changes, the others found the files as the last run left them (a tick before the bench rewrote them). Failed cycles: ${results.filter((r) => !r.ok).length}.`,
    '',
    `| after warm-up (cycles ${warmup + 1}–${results.length}) | range MB | slope KB/cycle |`,
    '|---|---:|---:|',
    `| RSS as the run left it | ${range((r) => r.rss)} | ${perCycle((r) => r.rss)} |`,
    `| heap used as the run left it | ${range((r) => r.heapUsed)} | ${perCycle((r) => r.heapUsed)} |`,
    `| RSS after a full GC | ${range((r) => r.rssAfterGc)} | ${perCycle((r) => r.rssAfterGc)} |`,
    `| heap used after a full GC | ${range((r) => r.heapAfterGc)} | ${perCycle((r) => r.heapAfterGc)} |`,
    `| external after a full GC | ${range((r) => r.externalAfterGc)} | ${perCycle((r) => r.externalAfterGc)} |`,
    '',
    'Every 20th cycle (MB): ' +
      results
        .filter((r) => r.cycle === 1 || r.cycle % 20 === 0)
        .map((r) => `#${r.cycle} RSS ${mb(r.rss).toFixed(0)} / heap after GC ${mb(r.heapAfterGc).toFixed(1)}`)
        .join('; ') +
      '.',
  ].join('\n');
  process.stdout.write(`${summary}\n`);
  if (flag('write')) await writeDaemonReadme(path.join(__dirname, 'README.md'), summary);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
