import { SourceError, SourceHttpError, type NormalizedFlag, type SkippedFlag } from '../../src/kit';
import type { RestFlag } from './codecs';
import { versionsDigest } from './fingerprint';
import { decodeFlagEntries } from './flag-entries';
import { FlagJoin } from './join';
import type { MapSettings } from './map';
import type { EnvironmentItems } from './sdk-source';

/** One configured environment and how to read its SDK data (key → item, as the SDK stored it). */
export interface EnvironmentSource {
  readonly name: string;
  /** The environment's key in LaunchDarkly. */
  readonly key: string;
  readonly read: (signal: AbortSignal) => Promise<EnvironmentItems>;
}

/** Everything a read needs; `metadata` reads the REST API, when configured. */
export interface ReadPlan {
  readonly provider: string;
  readonly environments: readonly EnvironmentSource[];
  readonly settings: MapSettings;
  /** Whether snapshots carry a fingerprint, and so each environment's versions digest is worth working out. */
  readonly fingerprinted: boolean;
  readonly metadata?: (signal: AbortSignal, onUnusable: (key: string, reason: string) => void) => Promise<Map<string, RestFlag>>;
}

/** Each environment's versions digest (see fingerprint.ts), by position; undefined where it has none. */
export type Digests = readonly (string | undefined)[];

export interface MappedRead {
  readonly unchanged: false;
  readonly flags: NormalizedFlag[];
  readonly skipped: SkippedFlag[];
  readonly digests: Digests;
}

export type ReadResult = { readonly unchanged: true } | MappedRead;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Reads the environments one after the other, each through its own short-lived SDK client, and maps each as soon as
 * it is read, so only one environment's SDK data is held at a time (at 100k flags that is ~140 MB of heap each).
 * With `accepted` (the digests of the last fully accepted run), environments whose digest still matches are not
 * mapped while every one before them matched too; if all match, the answer is "unchanged". When a later one does
 * not, the matching ones are read again and mapped (their data was let go). The REST API, when configured, is read
 * alongside. Any failure rejects the whole read, naming the environment, so the core never deletes flags because a
 * source was unreachable.
 */
export async function readEnvironments(plan: ReadPlan, signal: AbortSignal): Promise<MappedRead>;
export async function readEnvironments(plan: ReadPlan, signal: AbortSignal, accepted: readonly string[]): Promise<ReadResult>;
export async function readEnvironments(plan: ReadPlan, signal: AbortSignal, accepted?: readonly string[]): Promise<ReadResult> {
  // One failure stops the other read (REST alongside an environment) early.
  const inner = new AbortController();
  const stop = () => inner.abort();
  if (signal.aborted) stop();
  else signal.addEventListener('abort', stop, { once: true });
  const failures: string[] = [];
  const fail = (what: string, error: unknown) => {
    // Reads we cancelled after another failure only echo "aborted"; the first real cause is what matters.
    const cancelledByUs =
      inner.signal.aborted &&
      !signal.aborted &&
      ((error instanceof SourceHttpError && error.reason === 'aborted') || messageOf(error) === 'aborted');
    if (!cancelledByUs) failures.push(`${what}: ${messageOf(error)}`);
    inner.abort();
  };
  // Per flag key, why its REST item failed its codec; the mapping skips such a flag with this reason.
  const unusableMetadata = new Map<string, string>();
  const metadataRead = plan.metadata
    ? plan
        .metadata(inner.signal, (key, reason) => unusableMetadata.set(key, reason))
        .catch((error: unknown) => {
          fail('REST API', error);
          return undefined;
        })
    : Promise.resolve(undefined);
  const failed = async (): Promise<never> => {
    await metadataRead;
    if (signal.aborted) throw new SourceError(plan.provider, 'snapshot aborted');
    throw new SourceError(plan.provider, failures.join('; '));
  };

  let join: FlagJoin | undefined;
  const digests: (string | undefined)[] = [];
  /** Reads environment `position`, keeps its digest and, unless `onlyIfChanged` and the digest matches, maps it. */
  const readOne = async (position: number, onlyIfChanged: boolean): Promise<'matched' | 'mapped'> => {
    const env = plan.environments[position]!;
    let read: EnvironmentItems;
    try {
      read = await env.read(inner.signal);
    } catch (error) {
      fail(`environment "${env.name}"`, error);
      return failed();
    }
    const { items, kept } = read;
    const digest = plan.fingerprinted ? versionsDigest(items) : undefined;
    digests[position] = digest;
    if (onlyIfChanged && digest !== undefined && digest === accepted?.[position]) return 'matched';
    if (join === undefined) {
      const metadata = await metadataRead;
      if (failures.length > 0 || signal.aborted) return failed();
      join = new FlagJoin(plan.settings, metadata, unusableMetadata);
    }
    const { flags, skipped } = decodeFlagEntries(items, kept);
    join.add(position, { name: env.name, key: env.key, flags, skipped });
    return 'mapped';
  };

  try {
    let matched = 0;
    for (let position = 0; position < plan.environments.length; position++) {
      const onlyIfChanged = accepted !== undefined && matched === position;
      if ((await readOne(position, onlyIfChanged)) === 'matched') matched++;
    }
    if (accepted !== undefined && matched === plan.environments.length) {
      await metadataRead;
      if (failures.length > 0 || signal.aborted) return await failed();
      return { unchanged: true };
    }
    for (let position = 0; position < matched; position++) await readOne(position, false);
    await metadataRead;
    if (failures.length > 0 || signal.aborted) return await failed();
    const { flags, skipped } = (join ?? new FlagJoin(plan.settings)).finish();
    return { unchanged: false, flags, skipped, digests };
  } finally {
    signal.removeEventListener('abort', stop);
  }
}
