import { createHash } from 'node:crypto';
import {
  ADAPTER_CONTRACT_VERSION,
  allOrAbort,
  SourceError,
  type FlagAdapterFactory,
  type FlagSnapshot,
  type FlagSource,
  type NormalizedFlag,
  type PolledVersion,
  type SourceHttp,
} from '../../src/kit';
import { createAdminHttp } from './admin-http';
import { newestEventId, readAdminFeatures } from './admin-reader';
import { readClientFeatures } from './client-reader';
import { addSkip, attempt } from './entity';
import { normalizeUnleashFeature, unmetParents } from './map';
import type { UnleashRead } from './model';
import { UnleashOptionsCodec, type UnleashOptions, type UnleashOwnOptions } from './options';
import { clientFeatureViews } from './views';
import { unleashProduct } from './version';
import { clientFeaturesVersion, watchUnleash } from './watch';

export { UnleashOptionsCodec, type UnleashOptions } from './options';
export { normalizeUnleashFeature } from './map';

/**
 * Bump when the same Unleash data would map to other normalized flags (map.ts, rollout.ts, views.ts, the environment types admin-reader.ts reads): an instance
 * whose newest event did not move is otherwise not read again (see `snapshotUnlessUnchanged`).
 */
const MAPPING_REVISION = 5;

const DEFAULT_PAGE_SIZE = 100;
const DEFAULT_CONCURRENCY = 8;
const DEFAULT_CLIENT_TIMEOUT_MS = 30_000;

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/** `http://host:4242/api` → `http://host:4242`: Unleash serves its UI beside the API. */
export function defaultUiUrl(apiRoot: string): string {
  return trimSlash(apiRoot).replace(/\/api$/, '');
}

async function readViews(options: UnleashOptions, http: SourceHttp, signal: AbortSignal): Promise<UnleashRead> {
  const apiRoot = trimSlash(options.url);
  const environments = options.environments.map((e) => e.name);
  if (options.adminToken !== undefined) {
    return readAdminFeatures(
      {
        apiRoot,
        token: options.adminToken,
        ...(options.project !== undefined ? { project: options.project } : {}),
        environments,
        pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE,
        concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
      },
      http,
      signal,
    );
  }
  // One environment failing ends the others' reads too: the snapshot fails as a whole anyway.
  const perEnvironment = await allOrAbort(
    options.environments,
    (env, inner) =>
      readClientFeatures(
        {
          apiRoot,
          environment: env.name,
          // The codec guarantees a clientToken on every environment when there is no adminToken.
          token: env.clientToken!,
          ...(options.project !== undefined ? { project: options.project } : {}),
          timeoutMs: DEFAULT_CLIENT_TIMEOUT_MS,
        },
        inner,
      ),
    signal,
  );
  return clientFeatureViews(perEnvironment);
}

const asVersions = (polled: readonly PolledVersion[]): string[] | undefined =>
  polled.every((v) => 'version' in v) ? polled.map((v) => (v as { version: string }).version) : undefined;

/** The versions a client-token fingerprint holds; undefined when it is not one this adapter wrote. */
function parseVersions(text: string): string[] | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
  } catch {
    return undefined;
  }
}

export const adapter: FlagAdapterFactory<UnleashOwnOptions> = {
  name: 'unleash',
  version: '2.0.0',
  contractVersion: ADAPTER_CONTRACT_VERSION,
  produces: 'flags',
  optionsCodec: UnleashOptionsCodec,
  create(options, ctx): FlagSource {
    const uiUrl = trimSlash(options.uiUrl ?? defaultUiUrl(options.url));
    const mode = options.adminToken !== undefined ? 'Admin API' : 'client tokens';
    const { adminToken } = options;
    let product = 'Unleash';
    const failure = (err: unknown) =>
      new SourceError(ctx.providerName, `Unleash (${mode}): ${err instanceof Error ? err.message : String(err)}`, err);
    // What besides Unleash's data decides the snapshot (never the token).
    const settingsKey = JSON.stringify([
      MAPPING_REVISION,
      trimSlash(options.url),
      options.project ?? null,
      options.environments.map((e) => e.name),
      uiUrl,
    ]);
    // `<settings hash>:<newest event id>`: a run whose settings differ goes straight to a full read.
    const settingsHash = createHash('sha256').update(settingsKey).digest('base64url');
    const fingerprintOf = (eventId: number) => `${settingsHash}:${eventId}`;

    // Client tokens: `<settings hash>:client:<each environment's client-features version>`; the versions are taken
    // BEFORE the read, so a change racing the read makes the next run read again rather than skip newer data.
    const clientSettingsHash = createHash('sha256')
      .update(JSON.stringify([settingsKey, options.environments.map((e) => e.clientToken ?? null)]))
      .digest('base64url');
    const clientPrefix = `${clientSettingsHash}:client:`;
    const clientVersions = (signal: AbortSignal, previous: readonly (string | undefined)[] = []) =>
      Promise.all(options.environments.map((env, i) => clientFeaturesVersion(options, env, previous[i], signal)));

    async function snapshot(signal: AbortSignal, versions?: readonly string[]): Promise<FlagSnapshot> {
      // Without versions (the check failed) the snapshot simply has no fingerprint; the read says what is wrong.
      const taken = versions ?? (adminToken === undefined ? await clientVersions(signal).then(asVersions, () => undefined) : undefined);
      let read: UnleashRead;
      try {
        read = await readViews(options, ctx.http, signal);
      } catch (err) {
        throw failure(err);
      }
      // Asked once the features are read, so a failing read makes no other request.
      product =
        adminToken === undefined ? 'Unleash' : await unleashProduct(trimSlash(options.url), adminToken, ctx.http, signal, ctx.logger);
      const skips = new Map(read.skipped.map((s) => [s.key, [s.reason]]));
      const flags: NormalizedFlag[] = [];
      const unmetParent = unmetParents(read.views, new Set(read.skipped.map((s) => s.key)));
      for (const view of read.views) {
        const flag = attempt(() =>
          normalizeUnleashFeature(view, {
            provider: ctx.providerName,
            uiUrl,
            unmetParent,
            ...(read.environmentTypes !== undefined && { environmentTypes: read.environmentTypes }),
          }),
        );
        if (flag.ok) flags.push(flag.value);
        else addSkip(skips, view.name, flag.reason);
      }
      const skipped = [...skips].map(([key, reasons]) => ({ key, reason: reasons.join('; ') }));
      ctx.logger.debug({ provider: ctx.providerName, flags: flags.length, skipped: skipped.length, mode }, 'unleash snapshot read');
      const eventId = read.newestEventId;
      const fingerprint =
        typeof eventId === 'number'
          ? { sourceFingerprint: fingerprintOf(eventId) }
          : taken !== undefined
            ? { sourceFingerprint: `${clientPrefix}${JSON.stringify(taken)}` }
            : {};
      return skipped.length > 0 ? { flags, skipped, ...fingerprint } : { flags, ...fingerprint };
    }

    /** The client versions `acceptedSource` holds; undefined when it is no client fingerprint of these settings. */
    const clientPrevious = (acceptedSource: string): string[] | undefined => {
      const previous = acceptedSource.startsWith(clientPrefix) ? parseVersions(acceptedSource.slice(clientPrefix.length)) : undefined;
      return previous?.length === options.environments.length ? previous : undefined;
    };
    const clientVersionsNow = async (signal: AbortSignal, previous: readonly string[]) =>
      (await clientVersions(signal, previous)).map((v, i) => ('version' in v ? v.version : previous[i]!));
    const newestEventNow = (signal: AbortSignal) => newestEventId(createAdminHttp(trimSlash(options.url), adminToken!, ctx.http, signal));

    // Client mode: the versions a check found changed, for the full read flagsync makes next in the same run (one
    // request per environment, not two). Only a "changed" answer is kept: versions taken before a read can only be
    // older than what it reads, which makes a later run read again, never skip a change. Taken once.
    let changedVersions: string[] | undefined;
    const takeChangedVersions = () => {
      const taken = changedVersions;
      changedVersions = undefined;
      return taken;
    };

    return {
      environments: options.environments.map((e) => e.name),
      watch: watchUnleash(options, ctx.logger),
      get product() {
        return product;
      },
      snapshot: (signal: AbortSignal) => snapshot(signal, takeChangedVersions()),
      // Client tokens: each environment's client features asked with If-None-Match (what Unleash's SDKs do); all
      // 304 (or the same body) means nothing changed since the last fully accepted run.
      ...(adminToken === undefined && {
        async snapshotUnlessUnchanged(signal: AbortSignal, acceptedSource: string) {
          takeChangedVersions();
          const previous = clientPrevious(acceptedSource);
          if (previous === undefined) return snapshot(signal);
          const now = await clientVersionsNow(signal, previous).catch(() => undefined);
          if (now === undefined) return snapshot(signal);
          if (now.every((v, i) => v === previous[i])) return { unchanged: true, sourceFingerprint: acceptedSource };
          return snapshot(signal, now);
        },
        /** The check of snapshotUnlessUnchanged alone (the client features' versions); a failure rejects: "changed". */
        async isUnchanged(signal: AbortSignal, acceptedSource: string) {
          takeChangedVersions();
          const previous = clientPrevious(acceptedSource);
          if (previous === undefined) return false;
          const now = await clientVersionsNow(signal, previous);
          const unchanged = now.every((v, i) => v === previous[i]);
          // A check answering after flagsync gave up on it is not kept: the read may have started without it.
          if (!unchanged && !signal.aborted) changedVersions = now;
          return unchanged;
        },
      }),
      // Admin API: every change made through Unleash writes an event, so an instance whose newest event is the one
      // of the last fully accepted run is unchanged: one request instead of the list and two per feature.
      ...(adminToken !== undefined && {
        async snapshotUnlessUnchanged(signal: AbortSignal, acceptedSource: string) {
          if (!acceptedSource.startsWith(`${settingsHash}:`)) return snapshot(signal);
          let eventId: number | null;
          try {
            eventId = await newestEventNow(signal);
          } catch (err) {
            throw failure(err);
          }
          if (eventId !== null && fingerprintOf(eventId) === acceptedSource) return { unchanged: true, sourceFingerprint: acceptedSource };
          return snapshot(signal);
        },
        /**
         * The check of snapshotUnlessUnchanged alone: the newest event id, one request (the read takes its own
         * before listing). A failure rejects, which the core counts as "changed".
         */
        async isUnchanged(signal: AbortSignal, acceptedSource: string) {
          if (!acceptedSource.startsWith(`${settingsHash}:`)) return false;
          const eventId = await newestEventNow(signal);
          return eventId !== null && fingerprintOf(eventId) === acceptedSource;
        },
      }),
    };
  },
};
