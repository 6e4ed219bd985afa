/**
 * `npm run bench`: speed and memory goals of the reconciler, measured (not asserted in tests, where timing is noise).
 *
 * Goals (issue "Reconciler"): 100k flags × 4 environments plan in about a second and a few hundred MB.
 * Scenarios: first run (empty state, all creates), steady state (nothing changed), 1% changed; plus an end-to-end
 * submit of N flags to the simulator over loopback to measure requests and throughput.
 * Options: --flags N (default 100000), --e2e N (default 5000), --json.
 */
import { performance } from 'node:perf_hooks';
import type { NormalizedFlag } from '../src/model/flag';
import { DEFAULT_LINKING } from '../src/model/issue-keys';
import { desiredFlags } from '../src/reconcile/desired-flags';
import { planRun } from '../src/reconcile/plan';
import { emptyState, recordsOf, type SyncState } from '../src/reconcile/state';
import { fieldHashes } from '../src/reconcile/hash';
import { startSimulator } from '../src/simulator';
import { createJiraClient } from '../src/jira';
import { applyPlan } from '../src/reconcile/apply';
import { MemoryStateStore } from '../src/reconcile/memory-state-store';
import { StateLedger } from '../src/reconcile/state-ledger';
import { flagReconcileKind } from '../src/reconcile/flag-kind';
import { silentLogger } from '../src/log';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const ENVS = ['production', 'staging', 'qa', 'development'];

function syntheticFlags(count: number, variant = 0): NormalizedFlag[] {
  const flags: NormalizedFlag[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const changed = variant > 0 && i % 100 === 0;
    flags[i] = {
      provider: 'bench',
      key: `PROJ-${(i % 5000) + 1}-flag-${i}`,
      name: `Flag number ${i}`,
      description: i % 3 === 0 ? `Implements WEB-${(i % 900) + 1} for the checkout team` : undefined,
      tags: i % 2 === 0 ? ['team:checkout', `jira:OPS-${(i % 700) + 1}`] : [],
      issueKeys: [],
      url: `https://flags.example/flags/${i}`,
      lastUpdated: '2026-11-01T00:00:00.000Z',
      environments: ENVS.map((name, e) => ({
        name,
        enabled: (i + e) % 4 !== 0,
        defaultValue: 'false',
        rollout:
          (i + e) % 5 === 0 ? { rules: 2, text: '25% of users; 2 rules' } : { percentage: ((i * 7 + e) % 101) + (changed ? 0.5 : 0) },
        url: `https://flags.example/flags/${i}?env=${name}`,
        lastUpdated: '2026-11-01T00:00:00.000Z',
      })),
    };
  }
  return flags;
}

function mb(bytes: number): number {
  return Math.round(bytes / 1024 / 1024);
}

function stateFrom(entities: ReturnType<typeof desiredFlags>['entities']): SyncState {
  const state = emptyState();
  const records = recordsOf(state, 'featureflags');
  for (const e of entities)
    records[e.id] = { h: e.hash, s: 1, p: e.provider, f: fieldHashes(e.fields()), ...(e.inputHash ? { i: e.inputHash } : {}) };
  return state;
}

interface Row {
  readonly scenario: string;
  readonly ms: number;
  readonly writes: number;
  readonly heapMb: number;
  readonly rssMb: number;
}

function measure(scenario: string, work: () => number): Row {
  global.gc?.();
  const start = performance.now();
  const writes = work();
  const ms = Math.round(performance.now() - start);
  const mem = process.memoryUsage();
  return { scenario, ms, writes, heapMb: mb(mem.heapUsed), rssMb: mb(mem.rss) };
}

async function endToEnd(count: number): Promise<Row & { requests: number; flagsPerSecond: number }> {
  const sim = await startSimulator({});
  try {
    const client = createJiraClient(
      {
        clientId: sim.clientId,
        clientSecret: sim.clientSecret,
        tokenUrl: `${sim.url}/oauth/token`,
        apiBaseUrl: sim.url,
        cloudId: sim.cloudId,
        concurrency: 4,
      },
      { logger: silentLogger },
    );
    const desired = desiredFlags(syntheticFlags(count), { provider: 'bench', linking: DEFAULT_LINKING, environmentTypes: new Map() });
    const state = emptyState();
    const plan = planRun('featureflags', [desired], state, { massDeleteThreshold: 0.2, allowMassDelete: false });
    const start = performance.now();
    const ledger = new StateLedger(new MemoryStateStore(), state, { now: Date.now, saveIntervalMs: Number.POSITIVE_INFINITY });
    const [result] = await applyPlan(plan, ledger, { client, kind: flagReconcileKind, logger: silentLogger, now: Date.now });
    const ms = Math.round(performance.now() - start);
    const requests = sim.requests.filter((r) => r.path.endsWith('/bulk')).length;
    const mem = process.memoryUsage();
    if (result!.created !== count) throw new Error(`end-to-end: expected ${count} created, got ${result!.created}`);
    return {
      scenario: `submit ${count} flags to the simulator`,
      ms,
      writes: result!.created,
      heapMb: mb(mem.heapUsed),
      rssMb: mb(mem.rss),
      requests,
      flagsPerSecond: Math.round((count / ms) * 1000),
    };
  } finally {
    await sim.close();
  }
}

async function main(): Promise<void> {
  const count = arg('flags', 100_000);
  const e2e = arg('e2e', 5000);
  const settings = { provider: 'bench', linking: DEFAULT_LINKING, environmentTypes: new Map() };
  const options = { massDeleteThreshold: 0.2, allowMassDelete: false };
  const rows: Row[] = [];

  // First run: no state, every flag is mapped and becomes a create.
  let flags: NormalizedFlag[] | undefined = syntheticFlags(count);
  let desired = desiredFlags(flags, settings);
  rows.push(
    measure(`first run: map + hash + plan ${count} flags × ${ENVS.length} envs`, () => {
      desired = desiredFlags(flags!, settings);
      return planRun('featureflags', [desired], emptyState(), options).providers[0]!.writes.length;
    }),
  );
  const state = stateFrom(desired.entities);
  desired = desiredFlags([], settings);
  const acceptedInput = (id: string): string | undefined => recordsOf(state, 'featureflags')[id]?.i;
  const wholePlan = (input: readonly NormalizedFlag[]) =>
    planRun('featureflags', [desiredFlags(input, settings, acceptedInput)], state, options).providers[0]!.writes.length;

  // Steady state, as a daemon sees it most of the time: the snapshot, the state and the plan in memory.
  const full = measure('steady state: snapshot → plan (nothing changed)', () => wholePlan(flags!));
  rows.push(full);
  flags = undefined;

  let changed: NormalizedFlag[] | undefined = syntheticFlags(count, 1);
  rows.push(measure('1% of flags changed', () => wholePlan(changed!)));
  changed = undefined;

  // A flag file touched without a change: every source timestamp moves, nothing Jira shows changes.
  let touched: NormalizedFlag[] | undefined = syntheticFlags(count).map((f) => ({ ...f, lastUpdated: '2026-11-02T00:00:00.000Z' }));
  rows.push(measure('every source timestamp moved (all re-mapped, nothing sent)', () => wholePlan(touched!)));
  touched = undefined;

  const e2eRow = e2e > 0 ? await endToEnd(e2e) : undefined;

  const goals = [
    { goal: `whole plan of ${count} flags ≤ 1500 ms`, ok: count < 100_000 || full.ms <= 1500 },
    { goal: 'heap after planning ≤ 500 MB', ok: full.heapMb <= 500 },
  ];
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify({ node: process.version, rows, endToEnd: e2eRow, goals }, null, 2)}\n`);
  } else {
    console.log(`flagsync bench (node ${process.version}, ${count} flags × ${ENVS.length} environments)`);
    console.table(rows);
    if (e2eRow)
      console.log(
        `end to end: ${e2eRow.writes} flags in ${e2eRow.ms} ms over ${e2eRow.requests} bulk requests (${e2eRow.flagsPerSecond} flags/s, simulator validating every request)`,
      );
    for (const g of goals) console.log(`${g.ok ? 'PASS' : 'FAIL'}  ${g.goal}`);
  }
  process.exitCode = goals.every((g) => g.ok) ? 0 : 1;
}

void main();
