import { createHash } from 'node:crypto';
import type { LaunchDarklyOptions } from './options';

/**
 * Bump when the same SDK data would map to other normalized flags (map.ts, rollout.ts, join.ts, flag-entries.ts):
 * data whose versions did not move is otherwise not mapped again.
 */
const MAPPING_REVISION = 4;

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

/**
 * A LaunchDarkly source fingerprint is `<settings hash>:<digest of environment 1>.<digest of environment 2>…`, one
 * digest per configured environment in config order, so a run can tell which environments still hold the data the
 * last fully accepted run read. Undefined with the REST API: names, descriptions, tags and custom properties (where
 * issue keys come from) change without any version the SDK data shows, so that mode reads everything every run.
 */
export function fingerprintPrefix(options: LaunchDarklyOptions, projectKey: string, uiBaseUrl: string): string | undefined {
  if (options.api !== undefined) return undefined;
  // What besides the flag data decides the snapshot; the SDK keys only hashed, as part of the whole.
  const settings = JSON.stringify([
    MAPPING_REVISION,
    projectKey,
    uiBaseUrl,
    options.onValues ?? {},
    options.environments.map((env) => [env.name, env.key ?? env.name, env.sdkKey]),
  ]);
  return `${sha256(settings)}:`;
}

/**
 * One environment's flag versions: each item's key, version and tombstone mark (in key order, so the order a
 * payload lists them in does not matter), hashed. LaunchDarkly gives a flag a new version with every change to it,
 * so the same digest means the same flag data. Undefined when an item is not an object listed under its own key
 * with a numeric version: such data is read in full every time. Segments are left out: the mapping never reads them.
 */
export function versionsDigest(items: Readonly<Record<string, unknown>>): string | undefined {
  const parts: (string | number | boolean)[] = [];
  for (const key of Object.keys(items).sort()) {
    const item = items[key];
    if (typeof item !== 'object' || item === null) return undefined;
    const { key: itemKey, version, deleted } = item as { key?: unknown; version?: unknown; deleted?: unknown };
    if (itemKey !== key || typeof version !== 'number' || !Number.isFinite(version)) return undefined;
    parts.push(key, version, deleted === true);
  }
  return sha256(JSON.stringify(parts));
}

/** The fingerprint of a read whose every environment has a digest; undefined otherwise. */
export function fingerprintOf(prefix: string, digests: readonly (string | undefined)[]): string | undefined {
  return digests.every((d): d is string => d !== undefined) ? `${prefix}${digests.join('.')}` : undefined;
}

/** The per-environment digests an accepted fingerprint holds; undefined when it is not one of these settings. */
export function acceptedDigests(prefix: string, accepted: string, environments: number): readonly string[] | undefined {
  if (!accepted.startsWith(prefix)) return undefined;
  const digests = accepted.slice(prefix.length).split('.');
  return digests.length === environments && digests.every((d) => d.length > 0) ? digests : undefined;
}
