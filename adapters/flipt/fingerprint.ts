import { createHash } from 'node:crypto';

/**
 * Bump when the same Flipt data would map to other normalized flags (map.ts, rollout.ts, codecs.ts, read.ts):
 * namespaces whose evaluation snapshots did not move are otherwise not read again (see `snapshotUnlessUnchanged`).
 * 3: a boolean flag whose rollouts leave nobody a `true` is off (it read as on for 0%), and every read confirms its
 * namespaces exist (one accepted with a namespace that does not is read again, and fails).
 */
const MAPPING_REVISION = 4;

/**
 * What besides Flipt's data decides the snapshot. The token is left out: it decides whether a namespace can be read,
 * not what it holds. The page size only decides how many requests a read takes.
 */
export interface FliptFingerprintSettings {
  readonly provider: string;
  readonly baseUrl: string;
  readonly uiUrl: string;
  /** [environment, namespace] in config order. */
  readonly namespaces: readonly (readonly [string, string])[];
}

export interface FliptFingerprints {
  /** The fingerprint of a snapshot read at these namespace versions (config order). */
  of(versions: readonly string[]): string;
  /** The namespace versions a fingerprint of these settings holds; undefined for any other fingerprint. */
  versionsIn(fingerprint: string): string[] | undefined;
}

/**
 * `<settings hash>:snapshot:<JSON of each namespace's version>`. The versions stay readable (ETags, or body digests)
 * so the next run can ask with If-None-Match; a fingerprint from other settings never matches the prefix.
 */
export function fliptFingerprints(settings: FliptFingerprintSettings): FliptFingerprints {
  const settingsKey = JSON.stringify([MAPPING_REVISION, settings.provider, settings.baseUrl, settings.uiUrl, settings.namespaces]);
  const prefix = `${createHash('sha256').update(settingsKey).digest('base64url')}:snapshot:`;
  const count = settings.namespaces.length;
  return {
    of: (versions) => `${prefix}${JSON.stringify(versions)}`,
    versionsIn(fingerprint) {
      if (!fingerprint.startsWith(prefix)) return undefined;
      try {
        const value: unknown = JSON.parse(fingerprint.slice(prefix.length));
        return Array.isArray(value) && value.length === count && value.every((v) => typeof v === 'string') ? value : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
