import { silentLogger, type LogMethod, type Logger } from '../../src/kit/logger';

/** A logger that keeps the message of every warning (children included) and drops everything else. */
export function recordingLogger(): { logger: Logger; warnings: string[] } {
  const warnings: string[] = [];
  const warn: LogMethod = (fields: unknown, message?: string): void => {
    warnings.push(typeof fields === 'string' ? fields : (message ?? ''));
  };
  const logger: Logger = { ...silentLogger, warn, child: () => logger };
  return { logger, warnings };
}
