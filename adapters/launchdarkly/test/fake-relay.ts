import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LaunchDarklyOptions } from '../options';

/**
 * A stand-in for the LaunchDarkly Relay Proxy on loopback, speaking the server-side SDK endpoints:
 * GET /sdk/latest-all (polling) and GET /all (streaming, one `put` event, then whatever a test sends). Each SDK key maps
 * to one environment's data set `{flags, segments}`; any other Authorization header gets 401, as the Relay does.
 */
export interface EnvironmentData {
  readonly flags: Record<string, unknown>;
  readonly segments?: Record<string, unknown>;
}

export interface FakeRelay {
  readonly url: string;
  readonly requests: { path: string; authorization: string | undefined; headers: http.IncomingHttpHeaders }[];
  /** Answers every request for this SDK key with this status instead of data. */
  failWith(sdkKey: string, status: number): void;
  /** Sends a `patch` event (one flag, as LaunchDarkly streams a change) to the open streams of this SDK key. */
  patchFlag(sdkKey: string, key: string, flag: Readonly<Record<string, unknown>>): void;
  /** Sends one event as is (`data` is serialized as JSON) to the open streams of this SDK key. */
  send(sdkKey: string, event: 'put' | 'patch' | 'delete', data: unknown): void;
  /** Sends one event whose data line is `raw`, unchecked (need not be JSON), to the open streams of this SDK key. */
  sendRaw(sdkKey: string, event: 'put' | 'patch' | 'delete', raw: string): void;
  /** The next streams opened for this SDK key start with a `put` whose data line is these, one each, in turn. */
  firstPutsRaw(sdkKey: string, ...raw: string[]): void;
  close(): Promise<void>;
}

export async function startFakeRelay(environments: Record<string, EnvironmentData>): Promise<FakeRelay> {
  const requests: FakeRelay['requests'] = [];
  const failures = new Map<string, number>();
  const streams = new Map<http.ServerResponse, string>();
  const rawPuts = new Map<string, string[]>();
  const server = http.createServer((req, res) => {
    const authorization = req.headers.authorization;
    const path = new URL(req.url ?? '/', 'http://relay').pathname;
    requests.push({ path, authorization, headers: req.headers });
    const data = authorization === undefined ? undefined : environments[authorization];
    if (data === undefined) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"invalid SDK key"}');
      return;
    }
    const failure = failures.get(authorization!);
    if (failure !== undefined) {
      res.writeHead(failure).end();
      return;
    }
    const body = JSON.stringify({ flags: data.flags, segments: data.segments ?? {} });
    if (req.method === 'GET' && path === '/sdk/latest-all') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    } else if (req.method === 'GET' && path === '/all') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const raw = rawPuts.get(authorization!)?.shift();
      res.write(`event: put\ndata: ${raw ?? JSON.stringify({ path: '/', data: JSON.parse(body) })}\n\n`);
      streams.set(res, authorization!);
      res.on('close', () => streams.delete(res));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const send: FakeRelay['send'] = (sdkKey, event, data) => {
    for (const [res, key] of streams) if (key === sdkKey) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failWith: (sdkKey, status) => failures.set(sdkKey, status),
    patchFlag: (sdkKey, key, flag) => send(sdkKey, 'patch', { path: `/flags/${key}`, data: flag }),
    send,
    sendRaw: (sdkKey, event, raw) => {
      for (const [res, key] of streams) if (key === sdkKey) res.write(`event: ${event}\ndata: ${raw}\n\n`);
    },
    firstPutsRaw: (sdkKey, ...raw) => rawPuts.set(sdkKey, [...(rawPuts.get(sdkKey) ?? []), ...raw]),
    close: async () => {
      for (const res of streams.keys()) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A loopback port with nothing listening: "the Relay Proxy is down". */
export async function unusedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** A provider reading this relay by polling: production and staging, one SDK key each (as the relay was given them). */
export function relayOptions(
  baseUri: string,
  sdkKeys: { readonly production: string; readonly staging: string },
  overrides: Partial<LaunchDarklyOptions> = {},
): LaunchDarklyOptions {
  return {
    name: 'ld',
    adapter: 'launchdarkly',
    baseUri,
    stream: false,
    initTimeoutSeconds: 2,
    environments: [
      { name: 'production', sdkKey: sdkKeys.production },
      { name: 'staging', sdkKey: sdkKeys.staging },
    ],
    ...overrides,
  };
}
