import { pollForChanges, type Logger, type SourceAdapter } from '../../src/kit';
import type { FliptOptions } from './options';
import { namespaceSnapshots } from './snapshot-version';

/**
 * Watch mode for Flipt: each namespace's evaluation snapshot polled with If-None-Match (see snapshot-version.ts).
 * Flipt answers 304 while the namespace is unchanged; a Flipt that sends no ETag is compared by the body's digest.
 */
export function watchFlipt(options: FliptOptions, logger: Logger): NonNullable<SourceAdapter['watch']> {
  const snapshots = namespaceSnapshots(options);
  return async (onChange, signal, pollIntervalMs) => {
    await Promise.all(
      snapshots.map((snapshot) =>
        pollForChanges({
          intervalMs: pollIntervalMs,
          signal,
          onChange,
          logger,
          what: snapshot.label,
          poll: (s, previous) => snapshot.version(previous, s),
        }),
      ),
    );
  };
}
