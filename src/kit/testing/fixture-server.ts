import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A tiny JSON server on loopback standing in for a flag system's API in adapter tests, with the failure modes the
 * contract kit needs: answer 500 to everything (an outage), start failing after N good answers (a read that breaks
 * part-way), or hold every request open (a source that hangs, to test abort).
 */
export interface FixtureRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: http.IncomingHttpHeaders;
}

export interface FixtureAnswer {
  readonly status?: number;
  /** Sent as JSON. */
  readonly body?: unknown;
  /** Sent as it is instead of `body` (text/plain unless `headers` say otherwise), e.g. a server-sent event stream. */
  readonly text?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Returns the answer for a request, or undefined for 404. */
export type FixtureHandler = (request: FixtureRequest) => FixtureAnswer | undefined;

export interface FixtureServer {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: FixtureRequest[];
  /** Answer normally (the default). */
  serve(): void;
  /** Answer every request with `status` (default 500). */
  fail(status?: number): void;
  /** Answer the next `good` requests normally, then fail every later one with `status` (default 500). */
  failAfter(good: number, status?: number): void;
  /** Accept requests but never answer them (until close). */
  hang(): void;
  close(): Promise<void>;
}

type Mode = { kind: 'serve' } | { kind: 'fail'; status: number } | { kind: 'failAfter'; left: number; status: number } | { kind: 'hang' };

export async function startFixtureServer(handler: FixtureHandler): Promise<FixtureServer> {
  const requests: FixtureRequest[] = [];
  let mode: Mode = { kind: 'serve' };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fixture');
    const request: FixtureRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers };
    requests.push(request);
    if (mode.kind === 'hang') return;
    if (mode.kind === 'failAfter' && mode.left > 0) mode.left--;
    else if (mode.kind === 'failAfter' || mode.kind === 'fail') {
      res.writeHead(mode.status, { 'content-type': 'application/json' }).end('{"message":"fixture outage"}');
      return;
    }
    let answer: FixtureAnswer | undefined;
    try {
      answer = handler(request);
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`fixture handler failed: ${(error as Error).message}`);
      return;
    }
    if (answer === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"not found"}');
      return;
    }
    if (answer.text !== undefined) {
      res.writeHead(answer.status ?? 200, { 'content-type': 'text/plain', ...answer.headers }).end(answer.text);
      return;
    }
    res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers }).end(JSON.stringify(answer.body ?? null));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    serve: () => void (mode = { kind: 'serve' }),
    fail: (status = 500) => void (mode = { kind: 'fail', status }),
    failAfter: (good, status = 500) => void (mode = { kind: 'failAfter', left: good, status }),
    hang: () => void (mode = { kind: 'hang' }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
