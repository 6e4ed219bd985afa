import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import * as path from 'node:path';

/**
 * A real Unleash server (npm unleash-server 7.5, test-only install in test/services/unleash-server) on a fresh
 * PostgreSQL database, started by PID and stopped by PID. Tokens are seeded at start through INIT_*_API_TOKENS.
 */
const SERVICE_DIR = path.resolve(__dirname, '../../../test/services/unleash-server');
const PG = { host: '127.0.0.1', port: '5432', user: 'postgres' };

export interface UnleashServer {
  /** API root, e.g. http://127.0.0.1:41234/api */
  readonly apiUrl: string;
  /** UI root, e.g. http://127.0.0.1:41234 */
  readonly uiUrl: string;
  readonly port: number;
  readonly adminToken: string;
  readonly clientTokens: Readonly<Record<'production' | 'development', string>>;
  readonly database: string;
  stop(): Promise<void>;
}

let serverEntry: string | undefined;

/**
 * Makes sure PostgreSQL is up and the server is installed (about a minute the first time); returns the server's
 * entry point. ensure.sh prints the install directory, which lives outside the repository.
 */
export function ensureServices(): string {
  if (serverEntry !== undefined) return serverEntry;
  execFileSync('sh', [path.resolve(__dirname, '../../../test/services/postgres.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
  const dir = execFileSync('sh', [path.join(SERVICE_DIR, 'ensure.sh')], { stdio: ['ignore', 'pipe', 'inherit'], timeout: 600_000 })
    .toString()
    .trim();
  serverEntry = path.join(dir, 'node_modules/unleash-server/dist/server.js');
  return serverEntry;
}

function psql(sql: string): void {
  execFileSync('psql', ['-h', PG.host, '-p', PG.port, '-U', PG.user, '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-qc', sql], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function waitFor<T>(what: string, deadlineMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

export async function startUnleash(): Promise<UnleashServer> {
  const entry = ensureServices();
  const database = `flagsync_unleash_${process.pid}_${randomBytes(4).toString('hex')}`;
  psql(`CREATE DATABASE ${database}`);
  const port = await freePort();
  const secret = () => randomBytes(16).toString('hex');
  const adminToken = `*:*.${secret()}`;
  const clientTokens = { production: `default:production.${secret()}`, development: `default:development.${secret()}` };
  const output: string[] = [];
  const child = spawn(process.execPath, [entry], {
    cwd: path.dirname(entry),
    env: {
      PATH: process.env.PATH ?? '',
      TZ: 'UTC',
      DATABASE_URL: `postgres://${PG.user}@${PG.host}:${PG.port}/${database}`,
      DATABASE_SSL: 'false',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(port),
      UNLEASH_URL: `http://127.0.0.1:${port}`,
      INIT_ADMIN_API_TOKENS: adminToken,
      INIT_CLIENT_API_TOKENS: `${clientTokens.production},${clientTokens.development}`,
      CHECK_VERSION: 'false',
      SEND_TELEMETRY: 'false',
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(child.pid, 'SIGTERM');
      const killer = setTimeout(() => child.pid !== undefined && child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 5_000);
      await exited(child);
      clearTimeout(killer);
    }
    psql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  };

  try {
    await waitFor('Unleash /health', 60_000, async () => {
      if (child.exitCode !== null) throw new Error(`unleash-server exited with ${child.exitCode}: ${output.join('').slice(-2000)}`);
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      return res.ok ? true : undefined;
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { apiUrl: `http://127.0.0.1:${port}/api`, uiUrl: `http://127.0.0.1:${port}`, port, adminToken, clientTokens, database, stop };
}
