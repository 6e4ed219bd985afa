import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A flag file over HTTP whose first request is held until `open()`: a run reading it holds the writer lock for as
 * long as the test wants, however slowly other processes start on a busy machine.
 */
export interface GatedSource {
  readonly url: string;
  /** Requests received so far. */
  readonly requests: () => number;
  open(): void;
  close(): Promise<void>;
}

export async function startGatedSource(body: string): Promise<GatedSource> {
  let requests = 0;
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const server = http.createServer((_req, res) => {
    requests++;
    const answer = (): void => void res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
    if (requests === 1) void gate.then(answer);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/production.flagd.json`,
    requests: () => requests,
    open: release,
    close: () =>
      new Promise<void>((resolve) => {
        release();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
