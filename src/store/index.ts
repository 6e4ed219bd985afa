import type { StateConfig } from '../config/types';
import { fileBackend } from './file/file-backend';
import type { StateBackend } from './types';

export type { LockHolder, RunLog, RunRecord, StateBackend, WriterLock } from './types';
export { runExclusively, type ExclusiveRunResult } from './exclusive-run';

/**
 * The state backend the config names: the file store (default) or PostgreSQL. `readOnly` for commands that only read
 * (`status`, `plan`): PostgreSQL's schema is then neither created nor upgraded (pg-backend.ts).
 */
export function openStateBackend(state: StateConfig, options: { readonly readOnly?: boolean } = {}): StateBackend {
  if (state.store !== 'postgres') return fileBackend(state.path);
  // pg loads only for PostgreSQL state. `require`: tsx's CommonJS hook has no `import()` of extensionless paths.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { postgresBackend } = require('./postgres/pg-backend') as typeof import('./postgres/pg-backend');
  return postgresBackend(state.url, options);
}
