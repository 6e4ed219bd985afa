import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { FlagSource } from '../../../src/kit';
import { flagSourceFromEntry } from '../../../src/kit/testing';
import { adapter } from '../index';

export const FIXTURES = path.join(__dirname, 'fixtures');

/** Decodes options as the config loader would and creates the source. */
export function flagdSource(options: Record<string, unknown>, configDir = FIXTURES, providerName = 'flags'): FlagSource {
  return flagSourceFromEntry(adapter, options, { providerName, configDir });
}

export const liveSignal = (): AbortSignal => new AbortController().signal;

export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof Error);
    return err;
  }
  assert.fail('expected the promise to reject');
}

export interface Route {
  readonly status?: number;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Never answer (for abort tests). */
  readonly hang?: boolean;
  /** Sent as ETag; a request whose If-None-Match names it is answered 304 without a body, as HTTP caches expect. */
  readonly etag?: string;
}

export interface FileServer {
  readonly url: string;
  readonly server: http.Server;
  readonly requests: { readonly url: string; readonly headers: http.IncomingHttpHeaders; status?: number }[];
  close(): Promise<void>;
}

/**
 * A tiny HTTP server on loopback answering routes (path without query; looked up per request, so a test may replace
 * one); anything else is 404. Each request is recorded with the status it was answered with.
 */
export async function serveRoutes(routes: Readonly<Record<string, Route>>): Promise<FileServer> {
  const requests: FileServer['requests'] = [];
  const server = http.createServer((req, res) => {
    const request: FileServer['requests'][number] = { url: req.url ?? '', headers: req.headers };
    requests.push(request);
    const route = routes[(req.url ?? '').split('?')[0]!];
    if (route === undefined) {
      res.writeHead((request.status = 404)).end();
      return;
    }
    if (route.hang === true) return;
    if (route.etag !== undefined && req.headers['if-none-match'] === route.etag) {
      res.writeHead((request.status = 304), { etag: route.etag }).end();
      return;
    }
    request.status = route.status ?? 200;
    const etag = route.etag === undefined ? {} : { etag: route.etag };
    res.writeHead(request.status, { 'content-type': 'application/json', ...etag, ...route.headers }).end(route.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
