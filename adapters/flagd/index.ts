import {
  ADAPTER_CONTRACT_VERSION,
  SourceError,
  type AdapterContext,
  type AdapterFactory,
  type FlagSnapshot,
  type SourceAdapter,
} from '../../src/adapters/contract';
import type { FlagdFile } from './codecs';
import { FlagdFileError } from './errors';
import { mapEnvironmentFlags, mergeEnvironmentFlags, type FlagdMapSettings } from './map';
import { FlagdOptionsCodec, type FlagdOptions } from './options';
import { parseFlagdFile } from './parse';
import { locateSource, readSource, SourceReadError, type SourceLocation } from './read';

export type { FlagdOptions } from './options';

interface LoadedFile {
  readonly file: FlagdFile;
  readonly lastModified?: Date;
}

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

  const environmentsReading = (location: SourceLocation) => plan.filter((p) => p.location.url === location.url).map((p) => p.environment);

  async function load(location: SourceLocation, signal: AbortSignal): Promise<LoadedFile> {
    const where = describeEnvironments(environmentsReading(location));
    try {
      const content = await readSource(location, signal, options.headers);
      const file = parseFlagdFile(content.text, location.format);
      context.logger.debug({ provider, source: location.label, flags: Object.keys(file.flags).length }, 'read flagd file');
      return { file, ...(content.lastModified !== undefined && { lastModified: content.lastModified }) };
    } catch (err) {
      if (err instanceof SourceReadError) throw new SourceError(provider, `${where}: ${err.message}`, err);
      if (err instanceof FlagdFileError)
        throw new SourceError(provider, `${where}: ${location.label} is not a valid flagd file: ${err.message}`, err);
      throw err;
    }
  }

  async function snapshot(signal: AbortSignal): Promise<FlagSnapshot> {
    const snapshotTime = new Date().toISOString();
    // A file standing for several environments is read once, so they all see the same version.
    const reads = new Map<string, Promise<LoadedFile>>();
    for (const { location } of plan) {
      if (!reads.has(location.url)) reads.set(location.url, load(location, signal));
    }
    const loaded = await Promise.all(plan.map((p) => reads.get(p.location.url)!));
    const perEnvironment = plan.map(({ environment, location, urlTemplate }, i) => {
      const { file, lastModified } = loaded[i]!;
      const lastUpdated = lastModified?.toISOString() ?? snapshotTime;
      const defs = { environment, file, sourceUrl: location.url, sourceLabel: location.label, lastUpdated };
      return mapEnvironmentFlags(urlTemplate === undefined ? defs : { ...defs, urlTemplate }, settings);
    });
    const { flags, skipped } = mergeEnvironmentFlags(provider, perEnvironment);
    return skipped.length > 0 ? { flags, skipped } : { flags };
  }

  return { environments: plan.map((p) => p.environment), snapshot };
}

export const flagdAdapter: AdapterFactory<FlagdOptions> = {
  name: 'flagd',
  version: '1.0.0',
  contractVersion: ADAPTER_CONTRACT_VERSION,
  optionsCodec: FlagdOptionsCodec,
  create: createFlagdSource,
};
