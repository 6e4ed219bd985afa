/**
 * `npm run bench:watch`: watch mode measured from outside (issue #17). `flagsync run --watch` runs as its own process
 * (through tsx, from src/) with one flagd provider reading files on disk, against the Jira simulator in this process
 * on loopback. Each flip replaces the production file the way editors and ConfigMap updates do (a new file renamed
 * over the old one) with one flag switched; the time is from the rename to the simulator, read back over HTTP every
 * 10 ms (GET /__sim/store/featureflags, never recorded), holding the new value. Then a quiet period without any
 * change: every request the simulator receives in it is counted (the goal is 0).
 *
 * Options: --flips N (default 50), --flags N (flags in the file, default 100), --quiet SECONDS (default 600),
 * --schedule CRON (the daemon's full syncs, default the config's default every 5 minutes), --debounce MS (default
 * the config default, 1000), --json. Goals are reported, never asserted.
 */
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import axios from 'axios';
import { stringify } from 'yaml';
import { startSimulator, type Simulator } from '../src/simulator';

const root = path.resolve(__dirname, '..');

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const FLIPS = Number(option('flips') ?? 50);
const FLAGS = Number(option('flags') ?? 100);
const QUIET_SECONDS = Number(option('quiet') ?? 600);
const SCHEDULE = option('schedule') ?? '*/5 * * * *';
const DEBOUNCE_MS = option('debounce') === undefined ? undefined : Number(option('debounce'));
const FLIPPED = 'PROJ-1-flag';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function flagdFile(flippedOn: boolean): string {
  const flags: Record<string, unknown> = {};
  for (let i = 1; i <= FLAGS; i++) {
    const on = i === 1 ? flippedOn : i % 2 === 0;
    flags[`PROJ-${i}-flag`] = { state: on ? 'ENABLED' : 'DISABLED', variants: { on: true, off: false }, defaultVariant: 'on' };
  }
  return JSON.stringify({ flags }, null, 1);
}

/** As editors and the kubelet do it: a new file renamed over the old one. */
async function replaceFile(file: string, text: string): Promise<void> {
  await writeFile(`${file}.tmp`, text);
  await rename(`${file}.tmp`, file);
}

interface StoredFlag {
  id: string;
  details: Array<{ environment: { name: string }; status: { enabled: boolean } }>;
}

/** What Jira (the simulator) holds for the flipped flag in production, read over HTTP. */
async function jiraValue(sim: Simulator): Promise<boolean | undefined> {
  const { data } = await axios.get<StoredFlag[]>(`${sim.url}/__sim/store/featureflags`);
  const flag = data.find((f) => f.id === `watch:${FLIPPED}`);
  return flag?.details.find((d) => d.environment.name === 'production')?.status.enabled;
}

async function until(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const jiraRequests = (sim: Simulator) => sim.requests.filter((r) => !r.path.startsWith('/__sim/')).length;
const load = () => execFileSync('uptime', { encoding: 'utf8' }).trim();

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'flagsync-bench-watch-'));
  const sim = await startSimulator({});
  const file = path.join(dir, 'production.flagd.json');
  await writeFile(file, flagdFile(false));
  const metricsPort = 20_000 + Math.floor(Math.random() * 20_000);
  const config = path.join(dir, 'flagsync.yaml');
  await writeFile(
    config,
    stringify({
      jira: {
        cloudId: sim.cloudId,
        clientId: sim.clientId,
        clientSecret: sim.clientSecret,
        tokenUrl: `${sim.url}/oauth/token`,
        apiBaseUrl: sim.url,
      },
      schedule: SCHEDULE,
      watch: true,
      ...(DEBOUNCE_MS === undefined ? {} : { sync: { watchDebounceMs: DEBOUNCE_MS } }),
      metrics: { port: metricsPort, host: '127.0.0.1' },
      state: { path: path.join(dir, 'state.json') },
      providers: [
        {
          name: 'watch',
          adapter: 'flagd',
          urlTemplate: 'https://git.example/flags/{environment}.flagd.json#{key}',
          environments: [{ name: 'production', type: 'production', source: file }],
        },
      ],
    }),
  );
  const loadBefore = load();
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(root, 'src', 'cli', 'main.ts'), 'run', '--config', config], {
    cwd: root,
    env: { ...process.env, FLAGSYNC_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const runsFinished = () => log.split('\n').filter((l) => l.includes('"msg":"run finished"')).length;
  try {
    await until(async () => (await jiraValue(sim)) === false && log.includes('watch mode started'), 60_000, 'the first sync');
    await until(() => Promise.resolve(runsFinished() >= 1), 60_000, 'the first run to end');
    const times: number[] = [];
    let on = false;
    for (let i = 0; i < FLIPS; i++) {
      on = !on;
      const runs = runsFinished();
      const started = performance.now();
      await replaceFile(file, flagdFile(on));
      await until(async () => (await jiraValue(sim)) === on, 60_000, `flip ${i + 1} to reach Jira`);
      times.push(performance.now() - started);
      // The sync ends (state saved) before the next flip, so each flip is measured on its own.
      await until(() => Promise.resolve(runsFinished() > runs), 60_000, `flip ${i + 1}'s run to end`);
      await sleep(200);
    }
    sim.clearRequests();
    const quietStart = Date.now();
    await sleep(QUIET_SECONDS * 1000);
    const quietRequests = jiraRequests(sim);
    const { data: metrics } = await axios.get<string>(`http://127.0.0.1:${metricsPort}/metrics`);
    const loadAfter = load();
    const sorted = [...times].sort((a, b) => a - b);
    const metric = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN);
    const result = {
      flips: FLIPS,
      flagsInFile: FLAGS,
      debounceMs: DEBOUNCE_MS ?? 1000,
      fileToJiraMs: {
        median: Math.round(percentile(sorted, 50)),
        p95: Math.round(percentile(sorted, 95)),
        min: Math.round(sorted[0]!),
        max: Math.round(sorted[sorted.length - 1]!),
      },
      metricChangeToJiraMeanMs: Math.round(
        (metric('flagsync_change_to_jira_seconds_sum') / metric('flagsync_change_to_jira_seconds_count')) * 1000,
      ),
      syncsByTrigger: {
        watch: metric('flagsync_syncs_total\\{trigger="watch"\\}'),
        schedule: metric('flagsync_syncs_total\\{trigger="schedule"\\}'),
      },
      quiet: { seconds: Math.round((Date.now() - quietStart) / 1000), schedule: SCHEDULE, requestsToJira: quietRequests },
      loadBefore,
      loadAfter,
    };
    if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      process.stdout.write(
        [
          `file written → Jira holds the new value, ${FLIPS} flips (${FLAGS} flags in the file, debounce ${result.debounceMs} ms):`,
          `  median ${result.fileToJiraMs.median} ms, p95 ${result.fileToJiraMs.p95} ms (min ${result.fileToJiraMs.min}, max ${result.fileToJiraMs.max}); goal p95 < 3000 ms`,
          `  flagsync_change_to_jira_seconds mean ${result.metricChangeToJiraMeanMs} ms; syncs: watch ${result.syncsByTrigger.watch}, schedule ${result.syncsByTrigger.schedule}`,
          `requests to Jira during ${result.quiet.seconds} s without change (schedule ${SCHEDULE}): ${quietRequests}; goal 0`,
          `load before: ${loadBefore}`,
          `load after:  ${loadAfter}`,
          '',
        ].join('\n'),
      );
    }
  } catch (error) {
    process.stderr.write(`flagsync's log:\n${log.slice(-4000)}\n`);
    throw error;
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.on('close', resolve));
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
