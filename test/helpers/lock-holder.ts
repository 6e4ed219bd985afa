import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { fileBackend } from '../../src/store/file/file-backend';

/**
 * A process holding a file store's writer lock, as a flagsync run on another host (or container) would: run as a
 * script, it takes the lock under the host name it is given and answers commands on stdin, one per line ("write":
 * append one journal line through the state store, which checks the lock first), with one JSON line each on stdout.
 * It also says on stdout when it learns it lost the lock.
 */
export interface LockHolderProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Every event it printed so far. */
  readonly events: LockHolderEvent[];
  /** Sends `write` and resolves with its answer. */
  write(): Promise<LockHolderEvent>;
  /** Resolves with the first event (seen or to come) that `match` accepts. */
  next(match: (e: LockHolderEvent) => boolean, ms?: number): Promise<LockHolderEvent>;
}

export type LockHolderEvent =
  | { readonly event: 'held' }
  | { readonly event: 'refused-lock' }
  | { readonly event: 'wrote'; readonly n: number }
  | { readonly event: 'write-refused'; readonly error: string }
  | { readonly event: 'lost'; readonly reason: string };

export interface LockHolderOptions {
  readonly statePath: string;
  readonly host: string;
  readonly leaseMs: number;
  readonly heartbeatMs: number;
}

/** Starts a holder and waits until it holds the lock. */
export async function startLockHolder(options: LockHolderOptions): Promise<LockHolderProcess> {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', __filename, JSON.stringify(options)], {
    cwd: path.resolve(__dirname, '..', '..'),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const events: LockHolderEvent[] = [];
  const waiters: Array<() => void> = [];
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    events.push(JSON.parse(line) as LockHolderEvent);
    for (const wake of waiters.splice(0)) wake();
  });
  const next = (match: (e: LockHolderEvent) => boolean, ms = 15_000, from = 0): Promise<LockHolderEvent> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`lock holder: no such event within ${ms} ms; got ${JSON.stringify(events)}`)), ms);
      const look = (): void => {
        const found = events.slice(from).find(match);
        if (found !== undefined) {
          clearTimeout(timer);
          resolve(found);
        } else waiters.push(look);
      };
      look();
    });
  const started = await next((e) => e.event === 'held' || e.event === 'refused-lock');
  if (started.event !== 'held') {
    child.kill('SIGKILL');
    throw new Error('lock holder: the lock was not free');
  }
  return {
    child,
    pid: child.pid!,
    events,
    next,
    write: () => {
      const from = events.length;
      child.stdin!.write('write\n');
      return next((e) => e.event === 'wrote' || e.event === 'write-refused', 15_000, from);
    },
  };
}

/** Kills the holder (SIGKILL, as `docker stop` after its grace, or the OOM killer) and waits until it is gone. */
export async function killLockHolder(holder: LockHolderProcess): Promise<void> {
  if (holder.child.exitCode !== null || holder.child.signalCode !== null) return;
  const gone = new Promise((resolve) => holder.child.once('exit', resolve));
  holder.child.kill('SIGKILL');
  await gone;
}

async function main(options: LockHolderOptions): Promise<void> {
  const print = (e: LockHolderEvent): void => void process.stdout.write(`${JSON.stringify(e)}\n`);
  const backend = fileBackend(options.statePath, { leaseMs: options.leaseMs, heartbeatMs: options.heartbeatMs });
  const attempt = await backend.lock.tryAcquire({ host: options.host, pid: process.pid, since: '2026-01-01T00:00:00.000Z' });
  if (!attempt.acquired) {
    print({ event: 'refused-lock' });
    process.exit(1);
  }
  attempt.lost?.addEventListener('abort', () => print({ event: 'lost', reason: String((attempt.lost!.reason as Error).message) }));
  print({ event: 'held' });
  let n = 0;
  for await (const line of readline.createInterface({ input: process.stdin })) {
    if (line !== 'write') continue;
    n++;
    try {
      await backend.state.append([
        { type: 'put', kind: 'featureflags', id: `holder:${n}`, record: { h: `holder-${n}`, s: n, p: 'holder' } },
      ]);
      print({ event: 'wrote', n });
    } catch (error) {
      print({ event: 'write-refused', error: (error as Error).message });
    }
  }
}

if (require.main === module) {
  void main(JSON.parse(process.argv[2]!) as LockHolderOptions);
}
