import { createHash } from 'node:crypto';
import {
  ADAPTER_CONTRACT_VERSION,
  SourceError,
  type AdapterContext,
  type AdapterFactory,
  type FlagSnapshot,
  type SourceAdapter,
  type UnchangedSource,
} from '../../src/kit';
import { FlagdFileError } from './errors';
import { mapEnvironmentFlags, mergeEnvironmentFlags, type FlagdMapSettings } from './map';
import { FlagdOptionsCodec, type FlagdOptions } from './options';
import { parseFlagdFile } from './parse';
import { locateSource, readSource, SourceReadError, textOf, type SourceContent, type SourceLocation } from './read';
import { watchFlagdSources } from './watch';

export type { FlagdOptions } from './options';

/**
 * Bump when the same file would map to other normalized flags (map.ts, rollout.ts, parse.ts): a source whose bytes
 * did not change is otherwise not read again (see `snapshotUnlessUnchanged`).
 */
const MAPPING_REVISION = 1;

const describeEnvironments = (names: readonly string[]) =>
  names.length === 1 ? `environment "${names[0]}"` : `environments ${names.map((n) => `"${n}"`).join(', ')}`;

/** The flagd adapter: reads flagd flag definition files (local or http(s)), one per environment or one for all. */
export function createFlagdSource(options: FlagdOptions, context: AdapterContext): SourceAdapter {
  const provider = context.providerName;
  const plan = options.environments.map((env) => ({
    environment: env.name,
    urlTemplate: env.urlTemplate,
    // The options codec guarantees a source on the environment or on the provider.
    location: locateSource(env.source ?? options.source ?? '', context.configDir),
  }));
  const settings: FlagdMapSettings = {
    provider,
    ...(options.urlTemplate !== undefined && { urlTemplate: options.urlTemplate }),
    ...(options.onVariants !== undefined && { onVariants: options.onVariants }),
  };
  // What besides the files' bytes decides the snapshot: which file is which environment, and the mapping settings.
  const settingsKey = JSON.stringify([MAPPING_REVISION, settings, plan.map((p) => [p.environment, p.location.url, p.urlTemplate ?? null])]);

  const environmentsReading = (location: SourceLocation) => plan.filter((p) => p.location.url === location.url).map((p) => p.environment);

  function sourceFailure(location: SourceLocation, err: unknown): unknown {
    const where = describeEnvironments(environmentsReading(location));
    if (err instanceof SourceReadError) return new SourceError(provider, `${where}: ${err.message}`, err);
    if (err instanceof FlagdFileError)
      return new SourceError(provider, `${where}: ${location.label} is not a valid flagd file: ${err.message}`, err);
    return err;
  }

  /** Every distinct source read once (a file standing for several environments gives them all the same version). */
  async function readAll(signal: AbortSignal): Promise<Map<string, SourceContent>> {
    const reads = new Map<string, Promise<SourceContent>>();
    for (const { location } of plan) {
      if (!reads.has(location.url))
        reads.set(
          location.url,
          readSource(location, signal, options.headers).catch((err: unknown) => Promise.reject(sourceFailure(location, err))),
        );
    }
    const contents = await Promise.all(reads.values());
    return new Map([...reads.keys()].map((url, i) => [url, contents[i]!]));
  }

  function fingerprintOf(contents: ReadonlyMap<string, SourceContent>): string {
    const hash = createHash('sha256').update(settingsKey);
    for (const { location } of plan) hash.update(`\n${contents.get(location.url)!.digest}`);
    return hash.digest('base64url');
  }

  function mapAll(contents: ReadonlyMap<string, SourceContent>, sourceFingerprint: string): FlagSnapshot {
    const snapshotTime = new Date().toISOString();
    const parsed = new Map<string, ReturnType<typeof parseFlagdFile>>();
    for (const { location } of plan) {
      if (parsed.has(location.url)) continue;
      try {
        const file = parseFlagdFile(textOf(contents.get(location.url)!), location.format);
        context.logger.debug({ provider, source: location.label, flags: Object.keys(file.flags).length }, 'read flagd file');
        parsed.set(location.url, file);
      } catch (err) {
        throw sourceFailure(location, err);
      }
    }
    const perEnvironment = plan.map(({ environment, location, urlTemplate }) => {
      const lastUpdated = contents.get(location.url)!.lastModified?.toISOString() ?? snapshotTime;
      const file = parsed.get(location.url)!;
      const defs = { environment, file, sourceUrl: location.url, sourceLabel: location.label, lastUpdated };
      return mapEnvironmentFlags(urlTemplate === undefined ? defs : { ...defs, urlTemplate }, settings);
    });
    const { flags, skipped } = mergeEnvironmentFlags(provider, perEnvironment);
    return skipped.length > 0 ? { flags, skipped, sourceFingerprint } : { flags, sourceFingerprint };
  }

  async function snapshot(signal: AbortSignal): Promise<FlagSnapshot> {
    const contents = await readAll(signal);
    return mapAll(contents, fingerprintOf(contents));
  }

  /** Files whose bytes (and the settings) are those of the last fully accepted run are not parsed again. */
  async function snapshotUnlessUnchanged(signal: AbortSignal, acceptedSource: string): Promise<FlagSnapshot | UnchangedSource> {
    const contents = await readAll(signal);
    const sourceFingerprint = fingerprintOf(contents);
    if (sourceFingerprint === acceptedSource) return { unchanged: true, sourceFingerprint };
    return mapAll(contents, sourceFingerprint);
  }

  // flagd files carry no version of anything but their schema.
  const watch = watchFlagdSources(plan, options.headers, context.logger);
  return { environments: plan.map((p) => p.environment), product: 'flagd', snapshot, snapshotUnlessUnchanged, watch };
}

export const flagdAdapter: AdapterFactory<FlagdOptions> = {
  name: 'flagd',
  version: '1.0.0',
  contractVersion: ADAPTER_CONTRACT_VERSION,
  optionsCodec: FlagdOptionsCodec,
  create: createFlagdSource,
};
