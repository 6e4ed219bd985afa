import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RunReport } from '../reconcile/run';

/**
 * Prometheus metrics of the daemon: what an on-call engineer asks first ("is it syncing, is Jira accepting, which
 * source is down"). Served with /healthz and /readyz on a port of its own (see health-server.ts), only when
 * `metrics.port` is configured.
 */
export class SyncMetrics {
  readonly registry = new Registry();
  private readonly runs = new Counter({
    name: 'flagsync_runs_total',
    help: 'Sync runs by result',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'flagsync_run_duration_seconds',
    help: 'Duration of a sync run',
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });
  private readonly lastSuccess = new Gauge({
    name: 'flagsync_last_success_timestamp_seconds',
    help: 'When a scheduled sync (of every provider the daemon syncs) last finished with everything accepted (Unix time); a watch sync of one provider does not count',
    registers: [this.registry],
  });
  private readonly providerUp = new Gauge({
    name: 'flagsync_provider_up',
    help: '1 when the provider was read in the last run, 0 when it failed',
    labelNames: ['provider'] as const,
    registers: [this.registry],
  });
  private readonly entities = new Counter({
    name: 'flagsync_entities_total',
    help: 'Entities by provider and outcome (created, updated, deleted, rejected, failed, deletes_refused)',
    labelNames: ['provider', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly syncs = new Counter({
    name: 'flagsync_syncs_total',
    help: 'Syncs this replica ran, by trigger: schedule (cron, all providers) or watch (one provider, after a change); skipped ticks not counted',
    labelNames: ['trigger'] as const,
    registers: [this.registry],
  });
  private readonly changeToJira = new Histogram({
    name: 'flagsync_change_to_jira_seconds',
    help: 'Watch mode: time from a change noticed in a source to the end of the sync that sent it and Jira accepted in full',
    labelNames: ['provider'] as const,
    buckets: [0.25, 0.5, 1, 1.5, 2, 3, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });

  constructor() {
    // Node's process metrics under their standard names (process_cpu_seconds_total, nodejs_heap_size_used_bytes…),
    // so stock Node.js dashboards work unchanged.
    collectDefaultMetrics({ register: this.registry });
  }

  /**
   * `watch`: a sync of the one provider whose change was noticed. It says nothing of the others (one may be down), so it
   * never moves the last-success time the alerts go by.
   */
  recordRun(report: RunReport<unknown> | undefined, seconds: number, nowMs: number, watch = false): void {
    this.duration.observe(seconds);
    if (report === undefined) {
      this.runs.inc({ result: 'error' });
      return;
    }
    this.runs.inc({ result: report.ok ? 'ok' : 'failed' });
    if (report.ok && !watch) this.lastSuccess.set(nowMs / 1000);
    for (const r of report.results) {
      this.providerUp.set({ provider: r.provider }, r.ok ? 1 : 0);
      const counts: Record<string, number> = {
        created: r.created,
        updated: r.updated,
        deleted: r.deleted,
        rejected: r.rejected.length,
        failed: r.failed.length,
        deletes_refused: r.deletesRefused,
      };
      for (const [outcome, n] of Object.entries(counts)) if (n > 0) this.entities.inc({ provider: r.provider, outcome }, n);
    }
  }

  /** A sync started, by what triggered it. */
  recordTrigger(trigger: 'schedule' | 'watch'): void {
    this.syncs.inc({ trigger });
  }

  /** A watch sync Jira accepted in full ended `seconds` after the change was noticed. */
  recordChangeToJira(provider: string, seconds: number): void {
    this.changeToJira.observe({ provider }, seconds);
  }
}
