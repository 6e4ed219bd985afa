import {
  ADAPTER_CONTRACT_VERSION,
  allOrAbort,
  SourceError,
  type AdapterContext,
  type FlagAdapterFactory,
  type FlagSnapshot,
  type FlagSource,
  type UnchangedSource,
} from '../../src/kit';
import { fliptFingerprints } from './fingerprint';
import { mapFliptFlags, type NamespaceFlags } from './map';
import { FliptOptionsCodec, type FliptOptions, type FliptOwnOptions } from './options';
import { confirmNamespace, readNamespaceFlags } from './read';
import { readNamespaceTargeting } from './targeting';
import { namespaceSnapshots } from './snapshot-version';
import { fliptProduct } from './version';
import { watchFlipt } from './watch';

export { FliptOptionsCodec, type FliptOptions } from './options';
export { mapFliptFlags, normalizeFliptFlags } from './map';

const DEFAULT_PAGE_SIZE = 100;

/**
 * The Flipt adapter (Flipt v1 REST API): each configured environment reads one Flipt namespace. The worked
 * example of docs/adapters.md: options codec, paged reads decoded with io-ts, a pure mapping, and a snapshot that
 * is complete (malformed flags listed in `skipped`) or rejects.
 */
export function createFliptSource(options: FliptOptions, context: AdapterContext): FlagSource {
  const provider = context.providerName;
  const baseUrl = options.url.replace(/\/+$/, '');
  const uiUrl = (options.uiUrl ?? options.url).replace(/\/+$/, '');
  const namespaceOf = (env: FliptOptions['environments'][number]) => env.namespace ?? env.name;
  const versioned = namespaceSnapshots(options);
  const fingerprints = fliptFingerprints({
    provider,
    baseUrl,
    uiUrl,
    namespaces: options.environments.map((env) => [env.name, namespaceOf(env)] as const),
  });
  let product = 'Flipt';

  /**
   * Every namespace's snapshot version, asked BEFORE its flags are read: a change racing the read then makes the
   * next run read again rather than skip newer data. Undefined when any cannot be had (a Flipt before 1.32 has no
   * snapshot endpoint): the snapshot then offers no fingerprint, and the read says what is wrong, if anything.
   */
  async function versionsNow(signal: AbortSignal, previous?: readonly string[]): Promise<string[] | undefined> {
    try {
      const polled = await allOrAbort(
        versioned.map((snapshot, i) => ({ snapshot, previous: previous?.[i] })),
        ({ snapshot, previous: known }, inner) => snapshot.version(known, inner),
        signal,
      );
      const versions = polled.map((p, i) => ('version' in p ? p.version : previous?.[i]));
      return versions.every((v) => v !== undefined) ? (versions as string[]) : undefined;
    } catch (err) {
      context.logger.debug({ provider, reason: err instanceof Error ? err.message : String(err) }, 'flipt: no source fingerprint');
      return undefined;
    }
  }

  /**
   * The versions a check found changed, for the full read flagsync makes next in the same run (one request per
   * namespace, not two). Only a "changed" answer is kept: versions taken before a read can only be older than what
   * it reads, which makes a later run read again, never skip a change. Taken once.
   */
  let changedVersions: string[] | undefined;
  const takeChangedVersions = () => {
    const taken = changedVersions;
    changedVersions = undefined;
    return taken;
  };

  async function read(signal: AbortSignal, versions: readonly string[] | undefined): Promise<FlagSnapshot> {
    // One namespace failing stops the others: the snapshot fails as a whole anyway.
    const perNamespace = await allOrAbort(
      options.environments,
      async (env, inner): Promise<NamespaceFlags> => {
        const namespace = namespaceOf(env);
        const request = {
          baseUrl,
          namespace,
          pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE,
          ...(options.token !== undefined && { token: options.token }),
        };
        try {
          const [{ flags, skipped }, targeting] = await Promise.all([
            readNamespaceFlags(request, context.http, inner),
            readNamespaceTargeting(request, context.http, inner),
          ]);
          // An unknown namespace lists no flags (Flipt with SQL storage): only its existence says that is true.
          await confirmNamespace(request, context.http, inner);
          if (targeting === undefined)
            context.logger.debug({ provider, namespace }, 'flipt: no evaluation snapshot (before 1.32): rules not read');
          return {
            environment: env.name,
            namespace,
            flags,
            skipped: [...skipped, ...(targeting?.skipped ?? [])],
            ...(targeting !== undefined && { targeting: targeting.byKey }),
          };
        } catch (error) {
          throw new SourceError(provider, `environment "${env.name}" (namespace "${namespace}"): ${(error as Error).message}`, error);
        }
      },
      signal,
    );
    const { flags, skipped } = mapFliptFlags(perNamespace, { provider, uiUrl });
    // Asked once the flags are read, so a failing read makes no other request.
    product = await fliptProduct(baseUrl, options.token, context.http, signal, context.logger);
    context.logger.debug({ provider, namespaces: perNamespace.length, skipped: skipped.length }, 'read Flipt flags');
    const fingerprint = versions === undefined ? {} : { sourceFingerprint: fingerprints.of(versions) };
    return skipped.length > 0 ? { flags, skipped, ...fingerprint } : { flags, ...fingerprint };
  }

  return {
    environments: options.environments.map((e) => e.name),
    watch: watchFlipt(options, context.logger),
    get product() {
      return product;
    },
    snapshot: async (signal) => read(signal, takeChangedVersions() ?? (await versionsNow(signal))),
    /**
     * Each namespace's snapshot asked with the ETag of the last fully accepted run (or compared by digest): all
     * unchanged means nothing is read, not even the flag lists.
     */
    async snapshotUnlessUnchanged(signal, acceptedSource): Promise<FlagSnapshot | UnchangedSource> {
      takeChangedVersions();
      const now = await versionsNow(signal, fingerprints.versionsIn(acceptedSource));
      if (now !== undefined && fingerprints.of(now) === acceptedSource) {
        context.logger.debug({ provider, namespaces: now.length }, 'flipt: namespaces unchanged since the last accepted run');
        return { unchanged: true, sourceFingerprint: acceptedSource };
      }
      return read(signal, now);
    },
    /**
     * The check of snapshotUnlessUnchanged alone: each namespace's snapshot version, no flag read. A version that
     * cannot be had (an error, a Flipt before 1.32) answers "changed", so the read runs and says what is wrong.
     */
    async isUnchanged(signal, acceptedSource): Promise<boolean> {
      takeChangedVersions();
      const now = await versionsNow(signal, fingerprints.versionsIn(acceptedSource));
      if (now === undefined) return false;
      const unchanged = fingerprints.of(now) === acceptedSource;
      // A check answering after flagsync gave up on it is not kept: the read may have started without it.
      if (!unchanged && !signal.aborted) changedVersions = now;
      return unchanged;
    },
  };
}

export const adapter: FlagAdapterFactory<FliptOwnOptions> = {
  name: 'flipt',
  version: '2.0.0',
  contractVersion: ADAPTER_CONTRACT_VERSION,
  produces: 'flags',
  optionsCodec: FliptOptionsCodec,
  create: createFliptSource,
};
