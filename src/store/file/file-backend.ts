import * as path from 'node:path';
import { FileStateStore } from './file-state-store';
import { removeLeftovers } from './leftovers';
import type { StateBackend } from '../types';
import { LockFile } from './lock-file';
import { RunLogFile } from './run-log-file';

/** state.json → state.runs.json (the run log) and state.json.lock (the writer lock), all in the state file's folder. */
export function runLogPathOf(statePath: string): string {
  return statePath.endsWith('.json') ? `${statePath.slice(0, -'.json'.length)}.runs.json` : `${statePath}.runs.json`;
}

export function fileBackend(statePath: string): StateBackend {
  const lockPath = `${statePath}.lock`;
  const written = [statePath, `${statePath}.summary`, runLogPathOf(statePath), lockPath];
  return {
    state: new FileStateStore(statePath),
    lock: new LockFile(lockPath, async () => void (await removeLeftovers(written, path.dirname(statePath)))),
    runs: new RunLogFile(runLogPathOf(statePath)),
    // What landed is only worth appending for a long run: a crash before then costs sending it again, nothing else.
    saveIntervalMs: 30_000,
    where: `state file ${statePath}`,
    close: async () => undefined,
  };
}
