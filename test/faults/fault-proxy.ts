/**
 * A fault proxy in front of the Jira simulator: every request is forwarded whole, and a matching rule decides what
 * the client gets back. The simulator has always acted on the request by then, which is the point: these are the
 * faults where Jira stored something and flagsync may not know it. (A 'refuse' rule alone answers in Jira's place.)
 */
import type { ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export type FaultAction =
  /** The answer never arrives: the connection is cut after Jira acted. */
  | 'lose-answer'
  /** A 202 whose body is cut off mid-JSON. */
  | 'garble-answer'
  /** A 202 that lists no entity at all. */
  | 'empty-answer'
  /** flagsync is killed (SIGKILL) after Jira acted, before the answer reaches it. */
  | 'kill'
  /** The answer is passed on after `hook` ran (e.g. the disk fills up). */
  | 'pass'
  /** Jira never sees the request: the proxy answers `status` itself (a credential revoked, a site moved). */
  | 'refuse'
  /**
   * flagsync is killed (SIGKILL) while its request is still on the way, and the request reaches Jira only once
   * `release` resolves: after whatever the next runs did meanwhile (a request held up in a network or in Jira's queue).
   */
  | 'kill-deliver-later';

export interface FaultRule {
  readonly method?: string;
  /** Substring of the path. */
  readonly path?: string;
  /** How many matching requests it applies to (default: all). */
  times?: number;
  /** Matching requests to let through untouched before the rule applies. */
  skip?: number;
  readonly action: FaultAction;
  /** The status a 'refuse' rule answers. */
  readonly status?: number;
  readonly hook?: () => void | Promise<void>;
  /** When a 'kill-deliver-later' request goes on to Jira. */
  readonly release?: Promise<void>;
}

export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly action?: FaultAction;
}

export class FaultProxy {
  readonly requests: ProxiedRequest[] = [];
  /** Every bearer token seen on the way: none may appear in flagsync's output or state. */
  readonly tokens = new Set<string>();
  /** The flagsync process a 'kill' rule kills. */
  target: ChildProcess | undefined;
  private rules: FaultRule[] = [];

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(upstream: string): Promise<FaultProxy> {
    const box: { proxy?: FaultProxy } = {};
    const server = http.createServer((req, res) => {
      void box.proxy!.handle(req, res, upstream).catch(() => res.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    box.proxy = new FaultProxy(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return box.proxy;
  }

  add(rule: FaultRule): void {
    this.rules.push(rule);
  }

  clear(): void {
    this.rules = [];
  }

  count(method: string, path: string): number {
    return this.requests.filter((r) => r.method === method && r.path.includes(path)).length;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private take(method: string, path: string): FaultRule | undefined {
    for (const rule of this.rules) {
      if (rule.method !== undefined && rule.method !== method) continue;
      if (rule.path !== undefined && !path.includes(rule.path)) continue;
      if (rule.times !== undefined && rule.times <= 0) continue;
      if (rule.skip !== undefined && rule.skip > 0) {
        rule.skip--;
        return undefined;
      }
      if (rule.times !== undefined) rule.times--;
      return rule;
    }
    return undefined;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse, upstream: string): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const auth = req.headers.authorization;
    if (typeof auth === 'string' && auth.startsWith('Bearer ')) this.tokens.add(auth.slice('Bearer '.length));
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0]!;
    const rule = this.take(method, path);
    if (rule?.action === 'refuse') {
      const status = rule.status ?? 403;
      this.requests.push({ method, path, status, action: rule.action });
      res
        .writeHead(status, { 'content-type': 'application/json' })
        .end(JSON.stringify([{ message: `refused by the fault proxy: HTTP ${status}` }]));
      return;
    }
    if (rule?.action === 'kill-deliver-later') {
      this.target?.kill('SIGKILL');
      req.socket.destroy();
      await rule.release;
      const late = await forward(upstream, req, body);
      this.requests.push({ method, path, status: late.status, action: rule.action });
      return;
    }
    const answer = await forward(upstream, req, body);
    this.requests.push({ method, path, status: answer.status, ...(rule !== undefined && { action: rule.action }) });
    await rule?.hook?.();
    switch (rule?.action) {
      case 'lose-answer':
        req.socket.destroy();
        return;
      case 'kill':
        this.target?.kill('SIGKILL');
        req.socket.destroy();
        return;
      case 'garble-answer':
        res.writeHead(202, { 'content-type': 'application/json' }).end(answer.body.subarray(0, Math.floor(answer.body.length / 2)));
        return;
      case 'empty-answer':
        res.writeHead(202, { 'content-type': 'application/json' }).end('{}');
        return;
      default:
        res.writeHead(answer.status, answer.headers).end(answer.body);
    }
  }
}

interface Answer {
  readonly status: number;
  readonly headers: http.OutgoingHttpHeaders;
  readonly body: Buffer;
}

function forward(upstream: string, req: http.IncomingMessage, body: Buffer): Promise<Answer> {
  const target = new URL(req.url ?? '/', upstream);
  return new Promise((resolve, reject) => {
    const out = http.request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
      const parts: Buffer[] = [];
      answer.on('data', (d: Buffer) => parts.push(d));
      answer.on('end', () => {
        const headers = { ...answer.headers };
        delete headers['content-length'];
        delete headers['transfer-encoding'];
        resolve({ status: answer.statusCode ?? 502, headers, body: Buffer.concat(parts) });
      });
      answer.on('error', reject);
    });
    out.on('error', reject);
    out.end(body);
  });
}
