import { performance } from 'node:perf_hooks';
import type { NormalizedFlag } from '../src/kit/flag';
import { DEFAULT_LINKING } from '../src/model/issue-keys';
import { desiredFlags } from '../src/reconcile/desired-flags';
import { fieldHashesOf } from '../src/reconcile/field-hashes';
import { planRun } from '../src/reconcile/plan';
import { emptyState, recordsOf, type SyncState } from '../src/reconcile/state';

/**
 * The in-memory planner alone (what `npm run bench` measured before it measured the user's path): normalized flags
 * built in memory, then `desiredFlags` + `planRun` with nothing changed. No reading, parsing, mapping or state I/O.
 */
const ENVS = ['production', 'staging', 'qa', 'development'];

function syntheticFlags(count: number): NormalizedFlag[] {
  const flags: NormalizedFlag[] = new Array(count);
  for (let i = 0; i < count; i++) {
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
        rollout: (i + e) % 5 === 0 ? { rules: 2, text: '25% of users; 2 rules' } : { percentage: (i * 7 + e) % 101 },
        url: `https://flags.example/flags/${i}?env=${name}`,
        lastUpdated: '2026-11-01T00:00:00.000Z',
      })),
    };
  }
  return flags;
}

export interface PlannerFigures {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly heapMb: number;
  readonly writes: number;
}

/** Steady state: every flag already accepted, the whole plan in memory. */
export function measurePlanner(count: number): PlannerFigures {
  const settings = { provider: 'bench', linking: DEFAULT_LINKING, environmentTypes: new Map() };
  const options = { massDeleteThreshold: 0.2, allowMassDelete: false };
  const flags = syntheticFlags(count);
  const state: SyncState = emptyState();
  const records = recordsOf(state, 'featureflags');
  for (const e of desiredFlags(flags, settings).entities)
    records[e.id] = { h: e.hash, s: 1, p: e.provider, f: fieldHashesOf(e.fields()), ...(e.inputHash ? { i: e.inputHash } : {}) };
  global.gc?.();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const plan = planRun('featureflags', [desiredFlags(flags, settings, (id) => records[id]?.i)], state, options);
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return {
    wallMs,
    cpuMs: (used.user + used.system) / 1000,
    heapMb: process.memoryUsage().heapUsed / 1024 / 1024,
    writes: plan.providers[0]!.writes.length,
  };
}
