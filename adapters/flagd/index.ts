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
import { FlagdFileError } from './errors';
import { FlagJoin } from './join';
import type { FlagdMapSettings } from './map';
import { FlagdOptionsCodec, type FlagdOptions, type FlagdOwnOptions } from './options';
import type { ParsedFlagdFile } from './parse';
import {
  checkSource,
  formatOfContent,
  locateSource,
  readSource,
  SourceReadError,
  textOf,
  type KnownVersion,
  type NotModified,
  type SourceContent,
  type SourceLocation,
  type SourceVersion,
  type SpareBuffer,
} from './read';
import { knownVersionsIn, withKnownVersions } from './source-versions';
import { watchFlagdSources } from './watch';

export type { FlagdOptions } from './options';

/**
 * Bump when the same file would map to other normalized flags (map.ts, rollout.ts, parse.ts): a source whose bytes
 * did not change is otherwise not read again (see `snapshotUnlessUnchanged`).
 */
const MAPPING_REVISION = 4;

/**
 * The parser and its compiled schema (ajv: ~10 ms to load) are required with the first file to parse, not with the
 * adapter: a run whose sources are unchanged only hashes them. `require`: tsx's CommonJS hook has no `import()` of
 * extensionless paths.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const parser = (): typeof import('./parse') => require('./parse') as typeof import('./parse');

/** What checking a source gave: its body (HTTP), a 304 for the known version, or a local file's version alone. */
type Checked = SourceContent | NotModified | SourceVersion;

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

  const read = (location: SourceLocation, signal: AbortSignal) =>
    readSource(location, signal, options.headers).catch((err: unknown) => Promise.reject(sourceFailure(location, err)));

  /**
   * Every distinct source's version against the one the accepted fingerprint knows (a file standing for several
   * environments gives them all the same version). HTTP sources are asked at once, and one still at its known ETag
   * answers 304 without a body. Local files are checked one at a time, in plan order, up to the first whose digest
   * is not the known one: the rest are left to be read as they are parsed (`complete` false), since every source is
   * parsed once one changed. With `keepChanged` (a snapshot follows at once) files are read whole into one buffer and
   * the first that changed is kept, to be parsed without reading it again; without, each is hashed as it streams and
   * none of its bytes is kept (a run asks this before loading state, to keep its peak low).
   */
  async function checkAll(
    signal: AbortSignal,
    known: ReadonlyMap<number, KnownVersion>,
    keepChanged: boolean,
  ): Promise<{ checked: Map<string, Checked>; complete: boolean }> {
    let failed = false;
    const spare: SpareBuffer | undefined = keepChanged ? {} : undefined;
    const check = (location: SourceLocation, i: number) =>
      checkSource(location, signal, known.get(i), options.headers, spare).catch((err: unknown) => {
        failed = true;
        return Promise.reject(sourceFailure(location, err));
      });
    const checked = new Map<string, Checked>();
    let complete = true;
    const files = async () => {
      for (const [i, location] of sources.entries()) {
        // Another source's check failed: the whole check fails, so reading on is wasted.
        if (failed) return;
        if (location.kind !== 'file') continue;
        const version = await check(location, i);
        checked.set(location.url, version);
        const expected = known.get(i)?.digest;
        if ('body' in version || (expected !== undefined && version.digest !== expected)) {
          complete = false;
          return;
        }
      }
    };
    await Promise.all([
      files(),
      ...sources.map(async (location, i) => {
        if (location.kind === 'http') checked.set(location.url, await check(location, i));
      }),
    ]);
    return { checked, complete };
  }

  /**
   * The settings and every source's digest hashed, followed by each source's digest, and ETag when it came with one
   * (by source index, never the URL, which may hold a token): the next run compares source by source, and asks an
   * HTTP source with a conditional GET.
   */
  function fingerprintOf(versions: ReadonlyMap<string, SourceVersion | NotModified>): string {
    const hash = createHash('sha256').update(settingsKey);
    for (const { location } of plan) hash.update(`\n${versions.get(location.url)!.digest}`);
    const known = new Map<number, KnownVersion>();
    sources.forEach((location, i) => {
      const { etag, digest } = versions.get(location.url)!;
      known.set(i, etag === undefined ? { digest } : { etag, digest });
    });
    return withKnownVersions(hash.digest('base64url'), known);
  }

  /**
   * The bodies read already (by a check: HTTP bodies, the first local file that changed) and those of the other
   * HTTP sources (304s), fetched now. Other local files are left out: each is read as it is parsed, so no more than
   * one file is read ahead of the one being parsed.
   */
  async function httpBodies(signal: AbortSignal, checked: ReadonlyMap<string, Checked>): Promise<Map<string, SourceContent>> {
    const bodies = new Map<string, SourceContent>();
    await Promise.all(
      sources.map(async (location) => {
        const content = checked.get(location.url);
        if (content !== undefined && 'body' in content) bodies.set(location.url, content);
        else if (location.kind === 'http') bodies.set(location.url, await read(location, signal));
      }),
    );
    return bodies;
  }

  /** Every source checked; undefined when the versions are those of `acceptedSource`, else the bodies to parse. */
  async function bodiesUnlessUnchanged(signal: AbortSignal, acceptedSource: string): Promise<Map<string, SourceContent> | undefined> {
    const { checked, complete } = await checkAll(signal, knownVersionsIn(acceptedSource), true);
    if (complete && fingerprintOf(checked) === acceptedSource) return undefined;
    return httpBodies(signal, checked);
  }

  /** One source's text, its body taken out of `bodies` (read now when it is not there), and the version parsed. */
  async function takeText(bodies: Map<string, SourceContent>, location: SourceLocation, signal: AbortSignal) {
    const content = bodies.get(location.url) ?? (await read(location, signal));
    bodies.delete(location.url);
    const { digest, lastModified, etag } = content;
    const version: SourceVersion = {
      digest,
      ...(lastModified !== undefined && { lastModified }),
      ...(etag !== undefined && { etag }),
    };
    const text = textOf(content);
    return { text, version, format: formatOfContent(location, content, text) };
  }

  /** One source read and parsed (a helper, so its bytes and text are let go once it returns). */
  async function parsedSource(
    bodies: Map<string, SourceContent>,
    location: SourceLocation,
    signal: AbortSignal,
    versions: Map<string, SourceVersion>,
  ): Promise<ParsedFlagdFile> {
    const { text, version, format } = await takeText(bodies, location, signal);
    versions.set(location.url, version);
    try {
      return parser().readFlagdFile(text, format);
    } catch (err) {
      throw sourceFailure(location, err);
    }
  }

  /**
   * Reads, parses and maps each source in plan order, the flags of each environment joined as they come. `bodies`
   * is used up. Each parsed file is let go once its last environment is mapped, so no more than one file (tens of MB
   * at 100k flags) is held as bytes, text or document at a time, beside the flags mapped so far and the bytes of at
   * most one file a check read ahead. The fingerprint is that of the bytes parsed.
   */
  async function mapAll(signal: AbortSignal, bodies: Map<string, SourceContent>): Promise<FlagSnapshot> {
    const snapshotTime = new Date().toISOString();
    const lastUse = new Map(plan.map(({ location }, i) => [location.url, i]));
    const versions = new Map<string, SourceVersion>();
    const parsed = new Map<string, ParsedFlagdFile>();
    const join = new FlagJoin(settings, plan.length);
    for (const [i, { environment, location, urlTemplate }] of plan.entries()) {
      const known = parsed.get(location.url);
      const source = known ?? (await parsedSource(bodies, location, signal, versions));
      if (known === undefined) parsed.set(location.url, source);
      const lastUpdated = versions.get(location.url)!.lastModified?.toISOString() ?? snapshotTime;
      const defs = { environment, file: source.file, listed: source, sourceUrl: location.url, sourceLabel: location.label, lastUpdated };
      const flagCount = join.add(urlTemplate === undefined ? defs : { ...defs, urlTemplate });
      if (known === undefined) context.logger.debug({ provider, source: location.label, flags: flagCount }, 'read flagd file');
      if (lastUse.get(location.url) === i) parsed.delete(location.url);
    }
    const { flags, skipped } = join.result();
    const sourceFingerprint = fingerprintOf(versions);
    return skipped.length > 0 ? { flags, skipped, sourceFingerprint } : { flags, sourceFingerprint };
  }

  async function snapshot(signal: AbortSignal): Promise<FlagSnapshot> {
    return mapAll(signal, await httpBodies(signal, new Map()));
  }

  /**
   * Sources whose bytes (and the settings) are those of the last fully accepted run are not parsed again; an HTTP
   * source that answers 304 to the ETag of that run is not even transferred.
   */
  async function snapshotUnlessUnchanged(signal: AbortSignal, acceptedSource: string): Promise<FlagSnapshot | UnchangedSource> {
    const bodies = await bodiesUnlessUnchanged(signal, acceptedSource);
    return bodies === undefined ? { unchanged: true, sourceFingerprint: acceptedSource } : mapAll(signal, bodies);
  }

  /**
   * The check of snapshotUnlessUnchanged alone: local files hashed as they stream, up to the first that changed; HTTP
   * sources asked with their ETag. Nothing it reads is kept: a run asks this before loading state, and reads the
   * sources after.
   */
  async function isUnchanged(signal: AbortSignal, acceptedSource: string): Promise<boolean> {
    const { checked, complete } = await checkAll(signal, knownVersionsIn(acceptedSource), false);
    return complete && fingerprintOf(checked) === acceptedSource;
  }

  // flagd files carry no version of anything but their schema.
  const watch = watchFlagdSources(plan, options.headers, context.logger);
  return { environments: plan.map((p) => p.environment), product: 'flagd', snapshot, snapshotUnlessUnchanged, isUnchanged, watch };
}

export const adapter: FlagAdapterFactory<FlagdOwnOptions> = {
  name: 'flagd',
  version: '2.0.0',
  contractVersion: ADAPTER_CONTRACT_VERSION,
  produces: 'flags',
  optionsCodec: FlagdOptionsCodec,
  create: createFlagdSource,
};
