import type { StateConfig } from '../config/types';
import { fileBackend } from './file/file-backend';
import { postgresBackend } from './postgres/pg-backend';
import type { StateBackend } from './types';

export type { LockHolder, RunLog, RunRecord, StateBackend, WriterLock } from './types';
export { runExclusively, type ExclusiveRunResult } from './exclusive-run';

/** The state backend the config names: the file store (default) or PostgreSQL. */
export function openStateBackend(state: StateConfig): StateBackend {
  return state.store === 'postgres' ? postgresBackend(state.url) : fileBackend(state.path);
}
