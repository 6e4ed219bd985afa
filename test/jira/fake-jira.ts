/**
 * A tiny scripted Jira for the client's unit-level tests, on 127.0.0.1:0: token endpoint, tenant_info and any API
 * path. Each test scripts only the answers it cares about; every request is recorded with its parsed body.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JiraClientSettings } from '../../src/jira';

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly authorization: string | undefined;
  readonly body: unknown;
}

export type Reply = { status: number; body?: unknown; headers?: Record<string, string> } | 'drop';
export type Handler = (request: SeenRequest, index: number) => Reply | Promise<Reply>;

export const CLIENT_ID = 'client-abc123';
export const CLIENT_SECRET = 'very-secret-value-42';
export const CLOUD_ID = 'cloud-0001';

export interface FakeJira {
  readonly url: string;
  readonly requests: SeenRequest[];
  tokenRequests(): SeenRequest[];
  apiRequests(): SeenRequest[];
  settings(overrides?: Partial<JiraClientSettings>): JiraClientSettings;
  close(): Promise<void>;
}

let tokenCounter = 0;
const defaultToken: Handler = () => ({
  status: 200,
  body: { access_token: `tok-${++tokenCounter}`, expires_in: 3600, token_type: 'Bearer' },
});
const defaultTenant: Handler = () => ({ status: 200, body: { cloudId: CLOUD_ID } });

/** Accepts every entity of a bulk request (flags by id, devinfo by repository id). */
export const acceptAll: Handler = (request) => {
  const body = request.body as { flags?: { id: string }[]; repositories?: { id: string }[] };
  if (body.repositories !== undefined) {
    return { status: 202, body: { acceptedDevinfoEntities: Object.fromEntries(body.repositories.map((r) => [r.id, {}])) } };
  }
  return { status: 202, body: { acceptedFeatureFlags: (body.flags ?? []).map((f) => f.id), failedFeatureFlags: {}, unknownIssueKeys: [] } };
};

export async function startFakeJira(handlers: { token?: Handler; tenant?: Handler; api?: Handler } = {}): Promise<FakeJira> {
  const requests: SeenRequest[] = [];
  const counts = { token: 0, tenant: 0, api: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        // keep raw text
      }
      const seen: SeenRequest = {
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        authorization: req.headers.authorization,
        body,
      };
      requests.push(seen);
      const route = url.pathname === '/oauth/token' ? 'token' : url.pathname === '/_edge/tenant_info' ? 'tenant' : 'api';
      const handler = handlers[route] ?? (route === 'token' ? defaultToken : route === 'tenant' ? defaultTenant : acceptAll);
      Promise.resolve(handler(seen, counts[route]++)).then(
        (reply) => {
          if (reply === 'drop') return void req.socket.destroy();
          const payload = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
          res.writeHead(reply.status, { 'Content-Type': 'application/json', ...reply.headers });
          res.end(payload);
        },
        (error: unknown) => {
          res.writeHead(500);
          res.end(String(error));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    tokenRequests: () => requests.filter((r) => r.path === '/oauth/token'),
    apiRequests: () => requests.filter((r) => r.path.startsWith('/jira/')),
    settings: (overrides = {}) => ({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      tokenUrl: `${url}/oauth/token`,
      apiBaseUrl: url,
      cloudId: CLOUD_ID,
      ...overrides,
    }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Deps for fast, time-free tests: sleep records the delay and resolves at once; jitter is fixed. */
export function fastDeps(random = () => 0.5) {
  const sleeps: number[] = [];
  return {
    sleeps,
    deps: {
      sleep: async (ms: number) => {
        sleeps.push(ms);
      },
      random,
    },
  };
}
