import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback stand-in for LaunchDarkly's REST API: scripted answers for GET /api/v2/flags/{projectKey}, one per
 * request in order (the last repeats), with the request's URL and Authorization header recorded.
 */
export interface ScriptedAnswer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface FakeRestApi {
  readonly url: string;
  readonly requests: { url: string; authorization: string | undefined }[];
  close(): Promise<void>;
}

export async function startFakeRestApi(token: string, answers: readonly ScriptedAnswer[]): Promise<FakeRestApi> {
  const requests: FakeRestApi['requests'] = [];
  const server = http.createServer((req, res) => {
    requests.push({ url: req.url ?? '', authorization: req.headers.authorization });
    if (req.headers.authorization !== token) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"code":"unauthorized","message":"Invalid account ID header"}');
      return;
    }
    const answer = answers[Math.min(requests.length - 1, answers.length - 1)]!;
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
