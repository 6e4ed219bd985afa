/**
 * The HTTP front: records every request (except /__sim controls), applies injected faults, then routes to the
 * token endpoint, tenant_info or the Jira product proxy.
 */
import * as http from 'node:http';
import { handleTokenRequest, parseTokenBody, redactTokenFields } from './auth';
import { handleControl } from './control';
import { proxyError } from './errors';
import { statusFaultResponse } from './faults';
import { readBody, sendResponse, type RequestBody } from './http-io';
import { routeJira } from './jira-routes';
import type { SimulatorState } from './state';
import type { RecordedRequest, SimResponse } from './types';

export interface SimulatorServer {
  readonly server: http.Server;
  /** Cancels pending 'delay' faults; used when closing. */
  cancelDelays(): void;
}

/** Stands in for a token request body that could not be parsed: its raw text may hold the client secret. */
export const UNPARSED_TOKEN_BODY = '[unparsed token request body]';

function recordedBody(pathname: string, body: RequestBody, contentType: string | undefined): unknown {
  if (body.tooLarge) return `[${body.bytes} bytes, over maxBodyBytes]`;
  if (body.text === '') return undefined;
  if (pathname === '/oauth/token') return redactTokenFields(parseTokenBody(body.text, contentType)) ?? UNPARSED_TOKEN_BODY;
  try {
    return JSON.parse(body.text) as unknown;
  } catch {
    return body.text;
  }
}

function route(state: SimulatorState, req: http.IncomingMessage, url: URL, body: RequestBody): SimResponse {
  const method = req.method ?? 'GET';
  if (url.pathname === '/oauth/token' && method === 'POST') {
    if (body.tooLarge) return { status: 413, body: { error: 'invalid_request', error_description: 'Request body too large' } };
    return handleTokenRequest(parseTokenBody(body.text, req.headers['content-type']), state.options, state.tokens);
  }
  if (url.pathname === '/_edge/tenant_info' && method === 'GET') return { status: 200, body: { cloudId: state.options.cloudId } };
  if (url.pathname.startsWith('/jira/')) {
    return routeJira(state, { method, url, authorization: req.headers.authorization, body, contentType: req.headers['content-type'] });
  }
  return proxyError(404, 'Not Found');
}

export function createSimulatorServer(state: SimulatorState): SimulatorServer {
  const delays = new Set<NodeJS.Timeout>();
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        delays.delete(timer);
        resolve();
      }, ms);
      delays.add(timer);
    });

  async function serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    const body = await readBody(req, state.options.maxBodyBytes);
    if (url.pathname.startsWith('/__sim/')) {
      sendResponse(res, handleControl(state, method, url.pathname, body.text));
      return;
    }
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: recordedBody(url.pathname, body, req.headers['content-type']),
      status: 0,
    };
    state.requests.push(record);
    const fault = state.faults.take(method, url.pathname);
    if (fault?.type === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault?.type === 'delay') await wait(fault.ms);
    const response =
      fault?.type === 'status' ? statusFaultResponse(fault, url.pathname, state.options.now()) : route(state, req, url, body);
    record.status = response.status;
    sendResponse(res, response);
  }

  const server = http.createServer((req, res) => {
    serve(req, res).catch((error: unknown) => {
      if (res.headersSent) return res.destroy();
      sendResponse(res, { status: 500, body: { code: 500, message: `Simulator error: ${(error as Error).message}` } });
    });
  });
  return {
    server,
    cancelDelays() {
      for (const timer of delays) clearTimeout(timer);
      delays.clear();
    },
  };
}
