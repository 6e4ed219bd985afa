import { randomUUID } from 'node:crypto';
import * as t from 'io-ts';
import type { Pool } from 'pg';
import { decodeOrThrow } from '../../kit/decode';
import type { RunEnd, RunLog, RunProviderSummary, RunRecord, RunScopeFilter } from '../types';
import { ProviderSummaryCodec } from '../run-summary-codec';
import { tablesForWriting } from './migrations';

const RowCodec = t.type({
  id: t.string,
  replica: t.string,
  started_at: t.string,
  scope: t.union([t.null, t.string]),
  ended_at: t.union([t.null, t.string]),
  outcome: t.keyof({ running: null, ok: null, failed: null, error: null }),
  reason: t.union([t.null, t.string]),
  providers: t.union([t.null, t.array(ProviderSummaryCodec)]),
});

/** Runs kept in the database; older ones are pruned as runs finish. */
export const KEPT_RUNS = 1000;
/** Besides those, each scope's newest runs (as the file store's run log keeps them). */
export const KEPT_RUNS_PER_SCOPE = 20;

/** Every replica's runs in one table, so /readyz on any replica sees the last run of all of them. */
export class PgRunLog implements RunLog {
  constructor(
    private readonly pool: Pool,
    private readonly ready: () => Promise<boolean>,
  ) {}

  async start(replica: string, startedAt: string, scope?: string): Promise<string> {
    await tablesForWriting(this.ready);
    const id = randomUUID();
    await this.pool.query(`INSERT INTO flagsync_runs (id, replica, started_at, scope, outcome) VALUES ($1, $2, $3, $4, 'running')`, [
      id,
      replica,
      startedAt,
      scope ?? null,
    ]);
    return id;
  }

  async finish(id: string, end: RunEnd): Promise<void> {
    await tablesForWriting(this.ready);
    const updated = await this.pool.query(
      'UPDATE flagsync_runs SET ended_at = $2, outcome = $3, reason = $4, providers = $5 WHERE id = $1',
      [id, end.endedAt, end.outcome, end.reason ?? null, end.providers === undefined ? null : JSON.stringify(end.providers)],
    );
    if (updated.rowCount !== 1) throw new Error(`run log: run ${id} is not recorded in PostgreSQL`);
    // Each scope's newest runs stay too: a streak of watch syncs must not push out the last full sync (readiness.ts).
    await this.pool.query(
      `DELETE FROM flagsync_runs
       WHERE started_at < (SELECT started_at FROM flagsync_runs ORDER BY started_at DESC OFFSET $1 LIMIT 1)
         AND id NOT IN (
           SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY scope ORDER BY started_at DESC) AS n FROM flagsync_runs) AS ranked
           WHERE n <= $2)`,
      [KEPT_RUNS - 1, KEPT_RUNS_PER_SCOPE],
    );
  }

  async endAbandoned(endedAt: string, reason: string): Promise<number> {
    await tablesForWriting(this.ready);
    const ended = await this.pool.query(
      "UPDATE flagsync_runs SET outcome = 'error', ended_at = $1, reason = $2 WHERE outcome = 'running'",
      [endedAt, reason],
    );
    return ended.rowCount ?? 0;
  }

  async recent(limit: number, only?: RunScopeFilter): Promise<readonly RunRecord[]> {
    if (!(await this.ready())) return [];
    const { rows } = await this.pool.query(
      `SELECT id, replica, to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS started_at, scope,
              to_char(ended_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ended_at, outcome, reason, providers
       FROM flagsync_runs WHERE $2::boolean IS NOT TRUE OR scope IS NOT DISTINCT FROM $3 ORDER BY started_at DESC LIMIT $1`,
      [limit, only !== undefined, only?.scope ?? null],
    );
    return decodeOrThrow(t.array(RowCodec), rows, 'run log rows in PostgreSQL').map((row): RunRecord => ({
      id: row.id,
      replica: row.replica,
      startedAt: row.started_at,
      ...(row.scope === null ? {} : { scope: row.scope }),
      outcome: row.outcome,
      ...(row.ended_at === null ? {} : { endedAt: row.ended_at }),
      ...(row.reason === null ? {} : { reason: row.reason }),
      ...(row.providers === null ? {} : { providers: row.providers as RunProviderSummary[] }),
    }));
  }
}
