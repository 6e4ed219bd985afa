import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { stringify } from 'yaml';
import type { Simulator } from '../../src/simulator';

/** One step of a benchmark sequence: change the source (or not), then one `flagsync run --once`. */
export interface Scenario {
  readonly name: string;
  /** Brings the source to this scenario's state before the run. */
  prepare(): Promise<void>;
  /** Creates + updates + deletes the run must report (the bench fails otherwise). */
  readonly writes: number;
  /** Measure the minimum-work reference on the source as prepared for this scenario, before its run. */
  readonly referenceBefore?: boolean;
  /** Fewest Jira requests for this scenario's writes, when the set's `lowerBound` cannot tell from their number. */
  readonly lowerBound?: number;
  /** Issue #16's CPU goal for this scenario, in terms of the reference (see report.ts `goalCpuMs`). */
  readonly goal?: ScenarioGoal;
}

/**
 * The goals of issue #16: byte-identical sources ≤ 1 s; rewritten sources ≤ 2 × the reference; a first run or 100%
 * changed ≤ 3 × the reference plus the Jira round trips (what sending the reference's own bodies adds to it).
 */
export type ScenarioGoal = 'byte-identical' | 'rewritten' | 'all-sent';

/** An adapter's benchmark: its config file, its scenarios in order (sharing one state file), its reference. */
export interface ScenarioSet {
  readonly config: string;
  readonly scenarios: readonly Scenario[];
  /**
   * The minimum-work reference on this source: `node` runs `args`, or `sendingArgs(jira)` to also send its bodies
   * to a Jira (a simulator of the bench's own, so the CLI's Jira holds only what the CLI sent).
   */
  readonly reference?: { readonly args: readonly string[]; sendingArgs(jira: Record<string, string>): readonly string[] };
  /** What the rows count: flags (default) or commits. */
  readonly unit?: string;
  /** Fewest Jira requests that carry `writes` (token included); default one token + one request per 100 flags. */
  lowerBound?(writes: number): number;
  /** Requests the source's server received since the last call (for sources served over HTTP by the bench). */
  takeSourceRequests?(): number;
  /** Stops the source's server. */
  close?(): Promise<void>;
}

/** Jira's feature flag API: 100 flags a request, one token request before the first. */
export const flagLowerBound = (writes: number): number => (writes === 0 ? 0 : 1 + Math.ceil(writes / 100));

/** Jira settings pointing at the bench's simulator. */
export function jiraSection(sim: Simulator): Record<string, unknown> {
  return {
    cloudId: sim.cloudId,
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    tokenUrl: `${sim.url}/oauth/token`,
    apiBaseUrl: sim.url,
    requestTimeoutSeconds: 120,
  };
}

/** Writes `dir/flagsync.yaml` for one provider against the simulator, state in `dir`; resolves with its path. */
export async function writeBenchConfig(
  dir: string,
  sim: Simulator,
  provider: Record<string, unknown>,
  providerTimeoutSeconds: number,
): Promise<string> {
  const config = path.join(dir, 'flagsync.yaml');
  await writeFile(
    config,
    stringify({
      jira: jiraSection(sim),
      state: { path: path.join(dir, 'state.json') },
      sync: { providerTimeoutSeconds },
      providers: [provider],
    }),
  );
  return config;
}

/** A generation of a served source: which flags differ from the first run, and how. */
export interface Generation {
  readonly changeEvery: number;
  readonly revision?: number;
}

/** First run, nothing changed, 1% and 100% changed, for a source served by the bench; `set` serves a generation. */
export function generationScenarios(count: number, set: (generation: Generation) => () => Promise<void>): Scenario[] {
  return [
    { name: 'first run (all created)', prepare: set({ changeEvery: 0 }), writes: count },
    { name: 'nothing changed', prepare: async () => {}, writes: 0 },
    { name: '1% changed', prepare: set({ changeEvery: 100, revision: 1 }), writes: Math.ceil(count / 100) },
    { name: '100% changed', prepare: set({ changeEvery: 1, revision: 2 }), writes: count },
  ];
}

/** Counts the requests a source's server received since the last call. */
export function requestCounter(requests: { readonly length: number }): () => number {
  let counted = 0;
  return () => {
    const n = requests.length - counted;
    counted = requests.length;
    return n;
  };
}
