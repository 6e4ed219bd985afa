import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SyncMetrics } from './metrics';
import type { Readiness } from './readiness';

export interface MetricsServer {
  readonly url: string;
  close(): Promise<void>;
}

export interface HealthOptions {
  /** /readyz; without it /readyz answers like /healthz (a process without a run log to read). */
  readonly readiness?: () => Promise<Readiness>;
  /** /healthz fails for a while after the event loop did not turn for this long (default 10 s). */
  readonly stalledAfterMs?: number;
  /** An error of the server once it listens (accepting a probe's connection failed: EMFILE, say); the daemon goes on. */
  readonly onError?: (error: Error) => void;
}

/** The paths the daemon serves; the Kubernetes manifests' probes and scrape annotations are tested against these. */
export const HEALTH_PATHS = { metrics: '/metrics', liveness: '/healthz', readiness: '/readyz' } as const;

/**
 * GET /metrics (Prometheus text), GET /healthz (liveness: the process runs and its event loop turns) and GET
 * /readyz (readiness: 200 while the last run of any replica succeeded recently, else 503 with the reason).
 */
export async function startMetricsServer(
  metrics: SyncMetrics,
  port: number,
  host: string,
  options: HealthOptions = {},
): Promise<MetricsServer> {
  // A heartbeat measures how late its timer fires: a late beat means the event loop did not turn for that long.
  // (A probe answered after a block cannot see the block itself: timers run before the probe's request is read.)
  const beatMs = 250;
  const stalledAfterMs = options.stalledAfterMs ?? 10_000;
  let expected = Date.now() + beatMs;
  let lastStall: { at: number; ms: number } | undefined;
  const heartbeat = setInterval(() => {
    const now = Date.now();
    const late = now - expected;
    if (late > stalledAfterMs) lastStall = { at: now, ms: late };
    expected = now + beatMs;
  }, beatMs).unref();
  const text = (res: http.ServerResponse, status: number, body: string): void => {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end(`${body}\n`);
  };

  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') return text(res, 405, 'method not allowed');
    if (path === HEALTH_PATHS.metrics) {
      void metrics.registry.metrics().then(
        (body) => res.writeHead(200, { 'Content-Type': metrics.registry.contentType }).end(body),
        () => res.writeHead(500).end(),
      );
      return;
    }
    if (path === HEALTH_PATHS.liveness) {
      // Unhealthy for one window after a stall: a loop that keeps stalling fails probe after probe and is restarted.
      const recent = lastStall !== undefined && Date.now() - lastStall.at < Math.max(stalledAfterMs, 1000);
      return recent ? text(res, 503, `event loop stalled for ${lastStall!.ms} ms`) : text(res, 200, 'ok');
    }
    if (path === HEALTH_PATHS.readiness) {
      if (options.readiness === undefined) return text(res, 200, 'ok');
      void options.readiness().then(
        (r) => text(res, r.ready ? 200 : 503, r.ready ? `ready: ${r.reason}` : `not ready: ${r.reason}`),
        (error: unknown) => text(res, 503, `not ready: ${error instanceof Error ? error.message : String(error)}`),
      );
      return;
    }
    text(res, 404, 'not found');
  });
  await new Promise<void>((resolve, reject) => {
    const refused = (error: Error): void => {
      clearInterval(heartbeat);
      reject(
        new Error(`the metrics server cannot listen on ${host} port ${port} (metrics.host, metrics.port): ${error.message}`, {
          cause: error,
        }),
      );
    };
    server.once('error', refused);
    server.listen(port, host, () => {
      // Later errors are the server's, not the start's: they must neither stop the heartbeat nor, unheard, crash the
      // process mid-batch.
      server.off('error', refused);
      server.on('error', (error: Error) => options.onError?.(error));
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(heartbeat);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
