import { strict as assert } from 'node:assert';
import axios from 'axios';
import http from 'node:http';
import * as sinon from 'sinon';
import { startMetricsServer, type MetricsServer } from '../../src/daemon/health-server';
import { SyncMetrics } from '../../src/daemon/metrics';
import type { ProviderResult } from '../../src/reconcile/apply';
import { providerResult } from '../helpers/provider-result';
import type { RunReport } from '../../src/reconcile/run';

const result = providerResult;

function report(ok: boolean, results: ProviderResult[]): RunReport<unknown> {
  return { ok, dryRun: false, plan: { kind: 'featureflags', providers: [] }, results };
}

describe('daemon metrics', () => {
  let server: MetricsServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('an error of the listening server is reported and neither crashes the process nor stops stall detection', async () => {
    const created = sinon.spy(http, 'createServer');
    const errors: string[] = [];
    try {
      server = await startMetricsServer(new SyncMetrics(), 0, '127.0.0.1', { stalledAfterMs: 200, onError: (e) => errors.push(e.message) });
      const listening = created.returnValues[0]!;
      // What accepting a connection with no file descriptors left does (EMFILE), twice.
      for (let i = 0; i < 2; i++) listening.emit('error', new Error('accept EMFILE'));
      assert.deepEqual(errors, ['accept EMFILE', 'accept EMFILE']);
      const blockedUntil = Date.now() + 600;
      while (Date.now() < blockedUntil); // the event loop stalls
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal((await axios.get(`${server.url}/healthz`, { validateStatus: () => true })).status, 503);
    } finally {
      created.restore();
    }
  });

  it('serves runs, provider health and entity outcomes in Prometheus format', async () => {
    const metrics = new SyncMetrics();
    server = await startMetricsServer(metrics, 0, '127.0.0.1');
    metrics.recordRun(report(true, [result('files', { created: 5 })]), 1.5, 1_800_000_000_000);
    metrics.recordRun(
      report(false, [result('files', { updated: 1, rejected: [{ id: 'x', messages: ['no'] }] }), result('ld', { ok: false })]),
      0.2,
      1_800_000_060_000,
    );
    metrics.recordRun(undefined, 0.1, 1_800_000_120_000);
    // A watch sync of one provider, all accepted: no news about the others, so not a success to alert by.
    metrics.recordRun(report(true, [result('files', { updated: 1 })]), 0.1, 1_800_000_180_000, true);
    const { status, data, headers } = await axios.get<string>(`${server.url}/metrics`);
    assert.equal(status, 200);
    assert.match(String(headers['content-type']), /text\/plain/);
    for (const line of [
      'flagsync_runs_total{result="ok"} 2',
      'flagsync_runs_total{result="failed"} 1',
      'flagsync_runs_total{result="error"} 1',
      'flagsync_last_success_timestamp_seconds 1800000000',
      'flagsync_provider_up{provider="files"} 1',
      'flagsync_provider_up{provider="ld"} 0',
      'flagsync_entities_total{provider="files",outcome="created"} 5',
      'flagsync_entities_total{provider="files",outcome="rejected"} 1',
      'flagsync_run_duration_seconds_count 4',
    ]) {
      assert.ok(data.split('\n').includes(line), `missing: ${line}`);
    }
  });

  it('serves syncs by trigger and the time from a change noticed to Jira accepting it', async () => {
    const metrics = new SyncMetrics();
    server = await startMetricsServer(metrics, 0, '127.0.0.1');
    metrics.recordTrigger('schedule');
    metrics.recordTrigger('watch');
    metrics.recordTrigger('watch');
    metrics.recordChangeToJira('files', 1.2);
    const { data } = await axios.get<string>(`${server.url}/metrics`);
    for (const line of [
      'flagsync_syncs_total{trigger="schedule"} 1',
      'flagsync_syncs_total{trigger="watch"} 2',
      'flagsync_change_to_jira_seconds_bucket{le="1",provider="files"} 0',
      'flagsync_change_to_jira_seconds_bucket{le="1.5",provider="files"} 1',
      'flagsync_change_to_jira_seconds_count{provider="files"} 1',
    ]) {
      assert.ok(data.split('\n').includes(line), `missing: ${line}`);
    }
  });

  it('answers /healthz with 200 and anything else with 404', async () => {
    server = await startMetricsServer(new SyncMetrics(), 0, '127.0.0.1');
    assert.equal((await axios.get(`${server.url}/healthz`)).status, 200);
    assert.equal((await axios.get(`${server.url}/nope`, { validateStatus: () => true })).status, 404);
  });

  it("exposes Node's default process metrics under their standard names", async () => {
    server = await startMetricsServer(new SyncMetrics(), 0, '127.0.0.1');
    const { data } = await axios.get<string>(`${server.url}/metrics`);
    const names = new Set(data.split('\n').flatMap((l) => (/^# TYPE (\S+)/.exec(l) ?? []).slice(1)));
    for (const name of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_seconds',
    ])
      assert.ok(names.has(name), `missing ${name}`);
    assert.ok(![...names].some((n) => n.startsWith('flagsync_process_') || n.startsWith('flagsync_nodejs_')));
  });
});
