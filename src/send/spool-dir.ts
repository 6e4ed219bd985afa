import type { FlagsyncConfig } from '../config';

/**
 * Where spooled events wait: `spool.path` from config (default: a `spool` folder beside the state file), so
 * `send --spool` and the daemon agree.
 */
export function spoolDirOf(config: FlagsyncConfig): string {
  return config.spool.path;
}
