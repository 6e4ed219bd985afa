import { conditionalGetVersion, pollForChanges, type Logger, type SourceAdapter } from '../../src/kit';
import type { FliptOptions } from './options';

/**
 * Watch mode for Flipt: each namespace's evaluation snapshot (`GET /internal/v1/evaluation/snapshot/namespace/{key}`,
 * what Flipt's client-side SDKs poll: flags with their rules and rollouts) with If-None-Match. Flipt answers 304
 * while the namespace is unchanged; a Flipt that sends no ETag is compared by the body's digest.
 */
export function watchFlipt(options: FliptOptions, logger: Logger): NonNullable<SourceAdapter['watch']> {
  const baseUrl = options.url.replace(/\/+$/, '');
  const headers: Record<string, string> = {
    Accept: 'application/json',
    ...(options.token !== undefined && { Authorization: `Bearer ${options.token}` }),
  };
  return async (onChange, signal, pollIntervalMs) => {
    await Promise.all(
      options.environments.map((env) => {
        const namespace = env.namespace ?? env.name;
        const url = `${baseUrl}/internal/v1/evaluation/snapshot/namespace/${encodeURIComponent(namespace)}`;
        const label = `${url} (environment ${env.name})`;
        return pollForChanges({
          intervalMs: pollIntervalMs,
          signal,
          onChange,
          logger,
          what: label,
          poll: (s, previous) => conditionalGetVersion(url, label, previous, s, { headers }),
        });
      }),
    );
  };
}
