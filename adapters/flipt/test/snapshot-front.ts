import { createHash } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback server in front of the Flipt API stand-in (test/contract/sources/flipt-api.ts, which serves the
 * evaluation snapshot without an ETag), serving that endpoint as a given Flipt does:
 * - `etag`: Flipt 1.54+, an ETag (unquoted hex, as Flipt sends it) and 304 to a matching If-None-Match;
 * - `body`: Flipt 1.32–1.53, the body alone (passed through);
 * - `missing`: Flipt before 1.32, no such endpoint (404);
 * - `failing`: the endpoint answers 503.
 * Every other request passes through. `afterFlagPage` runs after each flag page is answered, to change Flipt's data
 * while a read is under way.
 */
export type SnapshotEndpoint = 'etag' | 'body' | 'missing' | 'failing';

export interface FrontRequest {
  readonly path: string;
  readonly ifNoneMatch?: string;
}

export interface FliptFront {
  readonly url: string;
  readonly requests: FrontRequest[];
  afterFlagPage?: (path: string) => void;
  close(): Promise<void>;
}

const SNAPSHOT_PATH = /^\/internal\/v1\/evaluation\/snapshot\/namespace\//;
const FLAG_PAGE_PATH = /^\/api\/v1\/namespaces\/[^/]+\/flags$/;

export async function startFliptFront(apiUrl: string, endpoint: SnapshotEndpoint): Promise<FliptFront> {
  const server = http.createServer((req, res) => void answer(req, res));
  const front: FliptFront = {
    url: '',
    requests: [],
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  async function answer(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://front').pathname;
    const ifNoneMatch = req.headers['if-none-match'];
    front.requests.push({ path, ...(ifNoneMatch !== undefined && { ifNoneMatch }) });
    const snapshot = SNAPSHOT_PATH.test(path);
    if (snapshot && endpoint === 'missing') return void res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
    if (snapshot && endpoint === 'failing') return void res.writeHead(503, { 'content-type': 'text/plain' }).end('Unavailable');
    const upstream = await fetch(`${apiUrl}${req.url ?? '/'}`, {
      headers: req.headers.authorization === undefined ? {} : { authorization: req.headers.authorization },
    });
    const body = await upstream.text();
    if (snapshot && endpoint === 'etag' && upstream.ok) {
      const etag = createHash('sha1').update(body).digest('hex');
      if (ifNoneMatch === etag) return void res.writeHead(304, { etag }).end();
      return void res.writeHead(200, { 'content-type': 'application/json', etag }).end(body);
    }
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
    res.end(body, () => {
      if (FLAG_PAGE_PATH.test(path)) front.afterFlagPage?.(path);
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(front, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
}
