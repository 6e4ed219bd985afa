import { strict as assert } from 'node:assert';
import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import axios from 'axios';
import { startMetricsServer, type MetricsServer } from '../../src/daemon/health-server';
import { SyncMetrics } from '../../src/daemon/metrics';
import { checkReadiness } from '../../src/daemon/readiness';
import { RunLogFile } from '../../src/store/file/run-log-file';
import { tempDir } from '../helpers/flagd-fixtures';

const EVERY_5_MIN = '*/5 * * * *';
const NOW = new Date('2026-11-29T12:02:00.000Z');

describe('readiness from the run log', () => {
  let dir: string;
  let runs: RunLogFile;
  let server: MetricsServer | undefined;
  beforeEach(async () => {
    dir = await tempDir();
    runs = new RunLogFile(path.join(dir, 'state.runs.json'));
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  const check = () => checkReadiness({ runs, schedule: EVERY_5_MIN, periods: 3, now: () => NOW });
  async function run(startedAt: string, endedAt: string, outcome: 'ok' | 'failed', reason?: string): Promise<void> {
    const id = await runs.start('pod-a:1', startedAt);
    await runs.finish(id, { endedAt, outcome, ...(reason === undefined ? {} : { reason }) });
  }

  it('stays ready through a long run started while ready, for at most the longest a run lasts', async () => {
    const at = (iso: string) => () => new Date(iso);
    const rule = { runs, schedule: EVERY_5_MIN, periods: 3, longestRunMs: 3_600_000 };
    await run('2026-11-29T12:00:00.000Z', '2026-11-29T12:00:05.000Z', 'ok');
    await runs.start('pod-b:2', '2026-11-29T12:05:00.000Z');
    // 25 minutes after the last run ended: past 3 periods (15 min), but the run going on began while ready.
    assert.deepEqual(await checkReadiness({ ...rule, now: at('2026-11-29T12:25:00.000Z') }), {
      ready: true,
      reason:
        'the last run (pod-a:1, ended 2026-11-29T12:00:05.000Z) succeeded; pod-b:2 has been running one since 2026-11-29T12:05:00.000Z',
    });
    // Longer than any run lasts: that run is stuck, or its replica gone.
    assert.equal((await checkReadiness({ ...rule, now: at('2026-11-29T13:05:01.000Z') })).ready, false);
    // Without the bound (a process that cannot say), the periods alone decide, as before.
    assert.equal((await checkReadiness({ ...rule, longestRunMs: undefined, now: at('2026-11-29T12:25:00.000Z') })).ready, false);
  });

  it('is not kept ready by a run that began after it was no longer ready', async () => {
    await run('2026-11-29T11:00:00.000Z', '2026-11-29T11:00:05.000Z', 'ok');
    await runs.start('pod-b:2', '2026-11-29T11:30:00.000Z');
    const r = await checkReadiness({
      runs,
      schedule: EVERY_5_MIN,
      periods: 3,
      longestRunMs: 3_600_000,
      now: () => new Date('2026-11-29T11:40:00.000Z'),
    });
    assert.equal(r.ready, false);
    assert.match(r.reason, /more than 3 schedule periods/);
  });

  it('passes over a run its process stopped (a replica drained): the run before it stands', async () => {
    await run('2026-11-29T12:00:00.000Z', '2026-11-29T12:00:05.000Z', 'ok');
    await run(
      '2026-11-29T12:01:00.000Z',
      '2026-11-29T12:01:02.000Z',
      'failed',
      'interrupted: the process was stopping; stopped early: received SIGTERM',
    );
    assert.deepEqual(await check(), { ready: true, reason: 'the last run (pod-a:1, ended 2026-11-29T12:00:05.000Z) succeeded' });
    // A run that failed on its own still counts.
    await run('2026-11-29T12:01:10.000Z', '2026-11-29T12:01:12.000Z', 'failed', 'unleash: 503');
    assert.equal((await check()).ready, false);
  });

  it('is not ready before any run has finished', async () => {
    assert.deepEqual(await check(), { ready: false, reason: 'no run has finished yet' });
    await runs.start('pod-a:1', '2026-11-29T12:00:00.000Z');
    assert.match((await check()).reason, /no run has finished yet \(pod-a:1 started one at 2026-11-29T12:00:00.000Z\)/);
  });

  it("counts only runs of the daemon's own scope: a later watch sync of one provider does not hide a failed full sync", async () => {
    await run('2026-11-29T12:00:00.000Z', '2026-11-29T12:00:05.000Z', 'failed', 'unleash: 503');
    const watchSync = await runs.start('pod-a:1', '2026-11-29T12:01:00.000Z', 'files');
    await runs.finish(watchSync, { endedAt: '2026-11-29T12:01:01.000Z', outcome: 'ok' });
    const r = await check();
    assert.equal(r.ready, false);
    assert.match(r.reason, /failed: unleash: 503/);
    // A daemon of that one provider (--provider files) goes by its own runs.
    const scoped = await checkReadiness({ runs, schedule: EVERY_5_MIN, periods: 3, scope: 'files', now: () => NOW });
    assert.equal(scoped.ready, true);
  });

  it('finds the last full sync past a long streak of watch syncs: 25 good ones do not hide that it failed', async () => {
    await run('2026-11-29T12:00:00.000Z', '2026-11-29T12:00:05.000Z', 'failed', 'unleash: 503');
    for (let i = 0; i < 25; i++) {
      const id = await runs.start('pod-a:1', `2026-11-29T12:01:${String(i).padStart(2, '0')}.000Z`, 'files');
      await runs.finish(id, { endedAt: `2026-11-29T12:01:${String(i).padStart(2, '0')}.500Z`, outcome: 'ok' });
    }
    assert.deepEqual(await check(), {
      ready: false,
      reason: 'the last run (pod-a:1, ended 2026-11-29T12:00:05.000Z) failed: unleash: 503',
    });
  });

  it('keeps the last full sync in the run log file past more watch syncs than the file keeps runs (50)', async () => {
    await run('2026-11-29T12:00:00.000Z', '2026-11-29T12:00:05.000Z', 'ok');
    for (let i = 0; i < 60; i++) {
      const at = `2026-11-29T12:01:${String(i % 60).padStart(2, '0')}.${String(i).padStart(3, '0')}Z`;
      const id = await runs.start('pod-a:1', at, 'files');
      await runs.finish(id, { endedAt: at, outcome: 'ok' });
    }
    assert.deepEqual(await check(), { ready: true, reason: 'the last run (pod-a:1, ended 2026-11-29T12:00:05.000Z) succeeded' });
  });

  it('is ready when the last run succeeded within N schedule periods', async () => {
    await run('2026-11-29T11:50:00.000Z', '2026-11-29T11:50:02.000Z', 'ok');
    assert.equal((await check()).ready, true);
  });

  it('is not ready after N periods without a successful run, saying when the last one ended', async () => {
    await run('2026-11-29T11:45:00.000Z', '2026-11-29T11:46:00.000Z', 'ok');
    const r = await check();
    assert.equal(r.ready, false);
    assert.equal(r.reason, 'the last successful run ended 2026-11-29T11:46:00.000Z (960 s ago), more than 3 schedule periods (900 s)');
  });

  it('is not ready when the last run failed, with its reason', async () => {
    await run('2026-11-29T11:55:00.000Z', '2026-11-29T11:55:01.000Z', 'ok');
    await run('2026-11-29T12:00:00.000Z', '2026-11-29T12:00:01.000Z', 'failed', 'files: cannot read production.flagd.json');
    assert.deepEqual(await check(), {
      ready: false,
      reason: 'the last run (pod-a:1, ended 2026-11-29T12:00:01.000Z) failed: files: cannot read production.flagd.json',
    });
  });

  it('a run in progress does not hide the last finished one', async () => {
    await run('2026-11-29T11:55:00.000Z', '2026-11-29T11:55:01.000Z', 'ok');
    await runs.start('pod-b:1', '2026-11-29T12:00:00.000Z');
    assert.equal((await check()).ready, true);
  });

  it('/readyz answers 503 with the reason, then 200; /healthz stays 200', async () => {
    server = await startMetricsServer(new SyncMetrics(), 0, '127.0.0.1', { readiness: check });
    const get = (p: string) => axios.get<string>(`${server!.url}${p}`, { validateStatus: () => true });
    const notReady = await get('/readyz');
    assert.equal(notReady.status, 503);
    assert.equal(notReady.data, 'not ready: no run has finished yet\n');
    assert.equal((await get('/healthz')).status, 200);
    await run('2026-11-29T12:00:00.000Z', '2026-11-29T12:00:01.000Z', 'ok');
    const ready = await get('/readyz');
    assert.equal(ready.status, 200);
    assert.match(ready.data, /^ready: the last run \(pod-a:1, ended 2026-11-29T12:00:01.000Z\) succeeded/);
  });

  it('/readyz is 503 naming the problem when the run log cannot be read', async () => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(dir, 'state.runs.json'), '{not json');
    const r = await check();
    assert.equal(r.ready, false);
    assert.match(r.reason, /^cannot read the run log: run log .* is not valid JSON/);
  });
});

describe('liveness', () => {
  it('/healthz is 503 once the event loop was blocked longer than the limit', async () => {
    const server = await startMetricsServer(new SyncMetrics(), 0, '127.0.0.1', { stalledAfterMs: 200 });
    try {
      const url = `${server.url}/healthz`;
      assert.equal((await axios.get(url)).status, 200);
      const pending = axios.get<string>(url, { validateStatus: () => true });
      const until = Date.now() + 700;
      while (Date.now() < until); // block the loop, as a runaway computation would
      const r = await pending;
      assert.equal(r.status, 503);
      assert.match(r.data, /event loop stalled for \d+ ms/);
    } finally {
      await server.close();
    }
  });
});

describe('the metrics server cannot listen', () => {
  it('says where it tried and which settings name it', async () => {
    const taken = await startMetricsServer(new SyncMetrics(), 0, '127.0.0.1');
    try {
      const port = Number(new URL(taken.url).port);
      await assert.rejects(startMetricsServer(new SyncMetrics(), port, '127.0.0.1'), (error: Error) => {
        assert.match(
          error.message,
          new RegExp(
            `^the metrics server cannot listen on 127\\.0\\.0\\.1 port ${port} \\(metrics\\.host, metrics\\.port\\): .*EADDRINUSE`,
          ),
        );
        return true;
      });
    } finally {
      await taken.close();
    }
  });
});
