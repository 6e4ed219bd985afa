import * as path from 'node:path';
import type { FlagsyncConfig } from '../config';

/**
 * Where spooled events wait: `spool.path` from config when the config supports it, else a `spool` folder beside the
 * state file, so `send --spool` (without a folder) and the daemon agree without any setting.
 */
export function spoolDirOf(config: FlagsyncConfig): string {
  const configured = (config as { readonly spool?: { readonly path?: unknown } }).spool?.path;
  if (typeof configured === 'string' && configured !== '') return path.resolve(config.dir, configured);
  return path.join(path.dirname(config.state.path), 'spool');
}
