import { FileStateStore } from './file-state-store';
import type { StateBackend } from '../types';
import { LockFence, LockFile, type LockFileOptions } from './lock-file';
import { RunLogFile } from './run-log-file';

/** state.json → state.runs.json (the run log) and state.json.lock (the writer lock), all in the state file's folder. */
export function runLogPathOf(statePath: string): string {
  return statePath.endsWith('.json') ? `${statePath.slice(0, -'.json'.length)}.runs.json` : `${statePath}.runs.json`;
}

export function lockPathOf(statePath: string): string {
  return `${statePath}.lock`;
}

/** `lease`: the writer lock's lease and heartbeat (tests shorten them; see lock-file.ts). */
export function fileBackend(statePath: string, lease: Omit<LockFileOptions, 'fence'> = {}): StateBackend {
  // The state and run log writes check, while the lock is held, that it is still this run's (a lease can be lost).
  const fence = new LockFence();
  return {
    state: new FileStateStore(statePath, fence),
    lock: new LockFile(lockPathOf(statePath), { ...lease, fence }),
    runs: new RunLogFile(runLogPathOf(statePath), fence),
    // What landed is only worth appending for a long run: a crash before then costs sending it again, nothing else.
    saveIntervalMs: 30_000,
    where: `state file ${statePath}`,
    close: async () => undefined,
  };
}
