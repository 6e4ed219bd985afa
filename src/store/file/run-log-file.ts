import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as t from 'io-ts';
import { decodeOrThrow } from '../../kit/decode';
import type { RunEnd, RunLog, RunRecord, RunScopeFilter } from '../types';
import { describeFsError, writeFileAtomic } from '../../files/durable-write';
import { ProviderSummaryCodec } from '../run-summary-codec';

const RunRecordCodec = t.intersection([
  t.type({
    id: t.string,
    replica: t.string,
    startedAt: t.string,
    outcome: t.keyof({ running: null, ok: null, failed: null, error: null }),
  }),
  t.partial({ scope: t.string, endedAt: t.string, reason: t.string, providers: t.array(ProviderSummaryCodec) }),
]);
const RunLogCodec = t.type({ version: t.literal(1), runs: t.array(RunRecordCodec) });

/** Runs kept in the file: enough for `flagsync status` and /readyz, small enough to rewrite on every run. */
export const KEPT_RUNS = 50;
/**
 * Besides those, each scope's newest runs (every provider's full syncs; each provider's watch syncs): a streak of watch
 * syncs must not push the last full sync out, which /readyz and the schedule's slot check look for (their look-back).
 */
export const KEPT_RUNS_PER_SCOPE = 20;

/** The newest KEPT_RUNS runs, and the newest KEPT_RUNS_PER_SCOPE of each scope, newest first. */
function kept(runs: readonly RunRecord[]): RunRecord[] {
  const perScope = new Map<string | undefined, number>();
  return runs.filter((run, i) => {
    const n = (perScope.get(run.scope) ?? 0) + 1;
    perScope.set(run.scope, n);
    return i < KEPT_RUNS || n <= KEPT_RUNS_PER_SCOPE;
  });
}

/**
 * The file store's run log: a JSON file beside the state file, rewritten atomically. Runs write it while holding
 * the writer lock, so there is one writer; readers (/readyz, status) may read at any time.
 */
export class RunLogFile implements RunLog {
  constructor(readonly file: string) {}

  private async read(): Promise<RunRecord[]> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new Error(`cannot read run log ${this.file}: ${(error as Error).message}`, { cause: error });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new Error(`run log ${this.file} is not valid JSON; move it away to start over`, { cause: error });
    }
    return decodeOrThrow(RunLogCodec, json, `run log ${this.file}`).runs as RunRecord[];
  }

  private async write(runs: readonly RunRecord[]): Promise<void> {
    try {
      await writeFileAtomic(this.file, JSON.stringify({ version: 1, runs: kept(runs) }));
    } catch (error) {
      throw new Error(`cannot write the run log ${this.file} (${describeFsError(error)})`, { cause: error });
    }
  }

  async start(replica: string, startedAt: string, scope?: string): Promise<string> {
    const id = randomUUID();
    const run: RunRecord = { id, replica, startedAt, ...(scope === undefined ? {} : { scope }), outcome: 'running' };
    await this.write([run, ...(await this.read())]);
    return id;
  }

  async finish(id: string, end: RunEnd): Promise<void> {
    const runs = await this.read();
    const at = runs.findIndex((r) => r.id === id);
    if (at === -1) throw new Error(`run log ${this.file}: run ${id} is not recorded`);
    runs[at] = { ...runs[at]!, ...end };
    await this.write(runs);
  }

  async endAbandoned(endedAt: string, reason: string): Promise<number> {
    const runs = await this.read();
    let ended = 0;
    const after = runs.map((run): RunRecord =>
      run.outcome === 'running' ? (ended++, { ...run, outcome: 'error', endedAt, reason }) : run,
    );
    if (ended > 0) await this.write(after);
    return ended;
  }

  async recent(limit: number, only?: RunScopeFilter): Promise<readonly RunRecord[]> {
    const runs = await this.read();
    return (only === undefined ? runs : runs.filter((r) => r.scope === only.scope)).slice(0, limit);
  }
}
