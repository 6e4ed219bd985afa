import { createHash } from 'node:crypto';
import {
  ADAPTER_CONTRACT_VERSION,
  SourceError,
  type AdapterContext,
  type FlagAdapterFactory,
  type FlagSnapshot,
  type FlagSource,
  type UnchangedSource,
} from '../../src/kit';
import type { FlagdFile } from './codecs';
import { FlagdFileError } from './errors';
import { FlagJoin } from './join';
import type { FlagdMapSettings } from './map';
import { FlagdOptionsCodec, type FlagdOptions, type FlagdOwnOptions } from './options';
import { parseFlagdFile } from './parse';
import {
  locateSource,
  readSource,
  readSourceUnlessNotModified,
  SourceReadError,
  textOf,
  type KnownVersion,
  type NotModified,
  type SourceContent,
  type SourceLocation,
} from './read';
import { knownVersionsIn, withKnownVersions } from './source-versions';
import { watchFlagdSources } from './watch';

export type { FlagdOptions } from './options';

/**
 * Bump when the same file would map to other normalized flags (map.ts, rollout.ts, parse.ts): a source whose bytes
 * did not change is otherwise not read again (see `snapshotUnlessUnchanged`).
 */
const MAPPING_REVISION = 1;

/** A source's body as text, taken out of `contents` (so the bytes are not kept while the text is parsed). */
function takeText(contents: Map<string, SourceContent>, url: string): string {
  const text = textOf(contents.get(url)!);
  contents.delete(url);
  return text;
}

/** (A helper rather than a spread list in the caller, whose frame would keep the list, and so every body, alive.) */
function anyNotModified(contents: ReadonlyMap<string, SourceContent | NotModified>): boolean {
  for (const content of contents.values()) if ('notModified' in content) return true;
  return false;
}

const describeEnvironments = (names: readonly string[]) =>
  names.length === 1 ? `environment "${names[0]}"` : `environments ${names.map((n) => `"${n}"`).join(', ')}`;

/** The flagd adapter: reads flagd flag definition files (local or http(s)), one per environment or one for all. */
export function createFlagdSource(options: FlagdOptions, context: AdapterContext): FlagSource {
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

  /** Each distinct source once, in plan order (a source's index here is how a fingerprint names it). */
  const sources = [...new Map(plan.map((p) => [p.location.url, p.location])).values()];

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
    const contents = await Promise.all(
      sources.map((location) =>
        readSource(location, signal, options.headers).catch((err: unknown) => Promise.reject(sourceFailure(location, err))),
      ),
    );
    return new Map(sources.map((location, i) => [location.url, contents[i]!]));
  }

  /** As readAll, but an HTTP source still at its known version (ETag) is only asked (304), not transferred. */
  async function readAllUnlessNotModified(
    signal: AbortSignal,
    known: ReadonlyMap<number, KnownVersion>,
  ): Promise<Map<string, SourceContent | NotModified>> {
    const contents = await Promise.all(
      sources.map((location, i) =>
        readSourceUnlessNotModified(location, signal, known.get(i), options.headers).catch((err: unknown) =>
          Promise.reject(sourceFailure(location, err)),
        ),
      ),
    );
    return new Map(sources.map((location, i) => [location.url, contents[i]!]));
  }

  /**
   * The settings and every source's digest hashed; sources read over HTTP with an ETag also carry that ETag and
   * digest (by source index, never the URL, which may hold a token), for a conditional GET next time.
   */
  function fingerprintOf(contents: ReadonlyMap<string, SourceContent | NotModified>): string {
    const hash = createHash('sha256').update(settingsKey);
    for (const { location } of plan) hash.update(`\n${contents.get(location.url)!.digest}`);
    const versions = new Map<number, KnownVersion>();
    sources.forEach((location, i) => {
      const { etag, digest } = contents.get(location.url)!;
      if (etag !== undefined) versions.set(i, { etag, digest });
    });
    return withKnownVersions(hash.digest('base64url'), versions);
  }

  /**
   * Parses and maps each source in plan order, the flags of each environment joined as they come. `contents` is used
   * up: each body is dropped once parsed, and each parsed file once its last environment is mapped.
   */
  function mapAll(contents: Map<string, SourceContent>, sourceFingerprint: string): FlagSnapshot {
    const snapshotTime = new Date().toISOString();
    const lastUpdated = plan.map(({ location }) => contents.get(location.url)!.lastModified?.toISOString() ?? snapshotTime);
    const lastUse = new Map(plan.map(({ location }, i) => [location.url, i]));
    const parsed = new Map<string, FlagdFile>();
    const join = new FlagJoin(settings, plan.length);
    plan.forEach(({ environment, location, urlTemplate }, i) => {
      const known = parsed.get(location.url);
      let file = known;
      if (file === undefined) {
        try {
          file = parseFlagdFile(takeText(contents, location.url), location.format);
        } catch (err) {
          throw sourceFailure(location, err);
        }
        parsed.set(location.url, file);
      }
      const defs = { environment, file, sourceUrl: location.url, sourceLabel: location.label, lastUpdated: lastUpdated[i]! };
      const flagCount = join.add(urlTemplate === undefined ? defs : { ...defs, urlTemplate });
      if (known === undefined) context.logger.debug({ provider, source: location.label, flags: flagCount }, 'read flagd file');
      if (lastUse.get(location.url) === i) parsed.delete(location.url);
    });
    const { flags, skipped } = join.result();
    return skipped.length > 0 ? { flags, skipped, sourceFingerprint } : { flags, sourceFingerprint };
  }

  async function snapshot(signal: AbortSignal): Promise<FlagSnapshot> {
    const contents = await readAll(signal);
    return mapAll(contents, fingerprintOf(contents));
  }

  /**
   * Sources whose bytes (and the settings) are those of the last fully accepted run are not parsed again; an HTTP
   * source that answers 304 to the ETag of that run is not even transferred.
   */
  async function snapshotUnlessUnchanged(signal: AbortSignal, acceptedSource: string): Promise<FlagSnapshot | UnchangedSource> {
    const checked = await readAllUnlessNotModified(signal, knownVersionsIn(acceptedSource));
    const checkedFingerprint = fingerprintOf(checked);
    if (checkedFingerprint === acceptedSource) return { unchanged: true, sourceFingerprint: checkedFingerprint };
    // Something changed: the sources that answered 304 have no body here, so read everything as a plain snapshot.
    const contents = anyNotModified(checked) ? await readAll(signal) : (checked as Map<string, SourceContent>);
    return mapAll(contents, fingerprintOf(contents));
  }

  // flagd files carry no version of anything but their schema.
  const watch = watchFlagdSources(plan, options.headers, context.logger);
  return { environments: plan.map((p) => p.environment), product: 'flagd', snapshot, snapshotUnlessUnchanged, watch };
}

export const adapter: FlagAdapterFactory<FlagdOwnOptions> = {
  name: 'flagd',
  version: '2.0.0',
  contractVersion: ADAPTER_CONTRACT_VERSION,
  produces: 'flags',
  optionsCodec: FlagdOptionsCodec,
  create: createFlagdSource,
};
