import * as fs from 'node:fs';
import * as path from 'node:path';
import * as t from 'io-ts';
import * as sdk from '@launchdarkly/node-server-sdk';
import type {
  DataKind,
  LDClientContext,
  LDFeatureStoreDataStorage,
  LDKeyedFeatureStoreItem,
  LDOptions,
  ServiceEndpoints,
  subsystem,
  subsystems,
} from '@launchdarkly/node-server-sdk';
import { decodeItem } from '../../src/kit';
import { isObjectPrototypeName, PROTOTYPE_KEY_REASON, SdkTrackedItemCodec } from './codecs';

/**
 * The @launchdarkly/node-server-sdk version this data source is built against, and the one package.json pins exactly:
 * it uses SDK helpers outside the SDK's documented API (below), and CapturingFeatureStore relies on the SDK walking
 * the very `allData` object it handed the store. A test checks that the pin and this constant agree.
 */
export const SDK_VERSION = '9.13.7';

/** A streamed event, or one item in it, that was not handed to the SDK; the reason names fields, never values. */
export interface StreamProblem {
  readonly event: string;
  /** `features` or `segments`, when the event named an item. */
  readonly namespace?: string;
  readonly key?: string;
  readonly reason: string;
}

export interface StreamSourceReports {
  /** Malformed data: an event that cannot be read, or an item the SDK could not hold. */
  readonly onProblem: (problem: StreamProblem) => void;
  /**
   * Something threw while an event was handled that is no decode problem: the SDK's internals this data source uses
   * may have changed (see SDK_VERSION). The event's data may not have reached the SDK.
   */
  readonly onUnexpected: (event: string, error: unknown) => void;
}

/** The SDK does not have what this data source uses: another version than SDK_VERSION is installed. */
export class SdkMismatchError extends Error {
  constructor(missing: readonly string[], installed: string | undefined) {
    super(
      `the LaunchDarkly adapter's streaming data source needs @launchdarkly/node-server-sdk ${SDK_VERSION} exactly ` +
        `(package.json pins it), but ${installed !== undefined ? `version ${installed}` : 'the installed version'} ` +
        `lacks ${missing.join(', ')}; install ${SDK_VERSION}`,
    );
    this.name = 'SdkMismatchError';
  }
}

/** The event payloads as LaunchDarkly's server-side stream (`GET /all`, the Relay Proxy's too) sends them. */
const PutEventCodec = t.type({ data: t.UnknownRecord }, 'a put event');
const PatchEventCodec = t.type({ path: t.string, data: t.unknown }, 'a patch event');
const DeleteEventCodec = t.type({ path: t.string, version: t.number }, 'a delete event');
/** A patched item: the SDK stores it under its own `key`, and its change tracking walks it (SdkTrackedItemCodec). */
const PatchedItemCodec = t.intersection([t.type({ key: t.string }, 'a flag or segment object'), SdkTrackedItemCodec]);

const KINDS: readonly { readonly prefix: string; readonly kind: DataKind }[] = [
  { prefix: '/flags/', kind: { namespace: 'features' } },
  { prefix: '/segments/', kind: { namespace: 'segments' } },
];

/** The SDK's defaults for its stream connection (initial reconnect delay, read timeout, backoff reset). */
const INITIAL_RETRY_DELAY_MS = 1000;
const READ_TIMEOUT_MS = 5 * 60 * 1000;
const RETRY_RESET_INTERVAL_MS = 60 * 1000;
/** The SDK's event source's ceiling for its reconnect backoff; an unreadable `put` backs off the same way. */
const MAX_RETRY_DELAY_MS = 30 * 1000;

type UpdateProcessorFactory = (
  clientContext: LDClientContext,
  dataSourceUpdates: subsystems.LDDataSourceUpdates,
  initSuccessHandler: () => void,
  errorHandler?: (e: Error) => void,
) => subsystem.LDStreamProcessor;

/** What of the SDK's module this data source calls (beyond its documented API), as a module-shaped value. */
type SdkModule = Readonly<Record<string, unknown>>;

const isFunction = (value: unknown) => typeof value === 'function';
const field = (value: unknown, name: string): unknown =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;

/** The SDK helpers this data source calls that `module` lacks (none: the SDK is as built against). */
export function missingSdkHelpers(module: SdkModule = sdk as unknown as SdkModule): string[] {
  const missing: string[] = [];
  for (const name of ['defaultHeaders', 'getStreamingUri', 'shouldRetry', 'httpErrorMessage', 'LDStreamingError'])
    if (!isFunction(module[name])) missing.push(name);
  if (!isFunction(field(module['internal'], 'initMetadataFromHeaders'))) missing.push('internal.initMetadataFromHeaders');
  if (typeof field(module['DataSourceErrorKind'], 'ErrorResponse') !== 'string') missing.push('DataSourceErrorKind.ErrorResponse');
  return missing;
}

/** What this data source reads of the client context the SDK hands a data source factory, where it lacks it. */
export function missingContextParts(context: LDClientContext): string[] {
  const missing: string[] = [];
  const configuration = field(context, 'basicConfiguration');
  const platform = field(context, 'platform');
  if (typeof field(field(configuration, 'serviceEndpoints'), 'streaming') !== 'string')
    missing.push('basicConfiguration.serviceEndpoints.streaming');
  if (!isFunction(field(field(platform, 'requests'), 'createEventSource'))) missing.push('platform.requests.createEventSource');
  if (!isFunction(field(field(platform, 'info'), 'sdkData'))) missing.push('platform.info.sdkData');
  return missing;
}

/** The installed SDK's version, for an error message: from its package.json (not exported), else unknown. */
function installedSdkVersion(): string | undefined {
  try {
    const entry = require.resolve('@launchdarkly/node-server-sdk');
    for (let dir = path.dirname(entry); dir !== path.dirname(dir); dir = path.dirname(dir)) {
      const file = path.join(dir, 'package.json');
      if (!fs.existsSync(file)) continue;
      const version: unknown = (JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: unknown }).version;
      return typeof version === 'string' ? version : undefined;
    }
  } catch {
    // only for the message
  }
  return undefined;
}

/**
 * The SDK's streaming data source, rebuilt on the SDK's own EventSource (its connection, reconnects, backoff, proxy
 * and TLS settings) and request headers (SDK key, user agent, wrapper, application tags, an instance id) for one
 * reason: the SDK's event handler throws on some malformed flags outside anything that catches, and the process ends
 * (an uncaught exception while it prepares a flag for evaluation: rules or clauses not a list, a null flag or rule;
 * an unhandled rejection from its change tracking: see SdkTrackedItemCodec). Here each event is decoded at the
 * boundary and nothing thrown leaves a handler. A patched or deleted item the SDK could not hold (including one keyed
 * like `constructor`: see isObjectPrototypeName) is not handed to it and is reported. A full data set (`put`) is
 * handed on as received, for CapturingFeatureStore (which must be the client's store) keeps from the SDK what it
 * cannot walk, so a snapshot still sees every flag. A `put` that cannot be read at all (not JSON, no data) is
 * reported and the stream reconnects, backing off as the SDK's event source does, for a full data set afresh: before
 * the first data set, the SDK failed the client at once on one; skipped, the client would only time out, and later
 * the SDK's data would stay stale. Flags are not prepared for evaluation: these clients never evaluate one.
 *
 * It uses SDK helpers outside the SDK's documented API (`defaultHeaders`, `getStreamingUri`, `shouldRetry`,
 * `httpErrorMessage`, `internal.initMetadataFromHeaders`, the client context's `serviceEndpoints` and
 * `platform.requests.createEventSource`), hence the exact pin (SDK_VERSION). Without them it fails at once with an
 * SdkMismatchError naming what is missing (here, or when the SDK calls the factory) rather than fall back to the
 * SDK's own data source, which a malformed flag ends the process through.
 */
export function guardedStreamSource(reports: StreamSourceReports): NonNullable<LDOptions['updateProcessor']> {
  const missing = missingSdkHelpers();
  if (missing.length > 0) throw new SdkMismatchError(missing, installedSdkVersion());
  const { onProblem, onUnexpected } = reports;
  const factory: UpdateProcessorFactory = (clientContext, dataSourceUpdates, initSuccessHandler, errorHandler) => {
    const missingParts = missingContextParts(clientContext);
    if (missingParts.length > 0) {
      const info = field(field(clientContext, 'platform'), 'info') as { sdkData?: () => { version?: string } } | undefined;
      throw new SdkMismatchError(missingParts, isFunction(info?.sdkData) ? info!.sdkData!().version : installedSdkVersion());
    }
    const { basicConfiguration, platform } = clientContext;
    const logger = basicConfiguration.logger;
    // As the SDK's own data source: one instance id per client, on every request it makes (here, the stream's only).
    const instanceId = isFunction(field(platform.crypto, 'randomUUID')) ? platform.crypto.randomUUID() : undefined;
    const headers = sdk.defaultHeaders(basicConfiguration.sdkKey, platform.info, basicConfiguration.tags, true, 'user-agent', instanceId);
    const uri = sdk.getStreamingUri(basicConfiguration.serviceEndpoints as ServiceEndpoints, '/all', []);
    let eventSource: ReturnType<typeof platform.requests.createEventSource> | undefined;
    let initHeaders: Record<string, string> | undefined;
    let reconnect: ReturnType<typeof setTimeout> | undefined;
    /** Unreadable `put`s in a row, for the backoff; a readable one resets it. */
    let unreadablePuts = 0;

    const stop = () => {
      if (reconnect !== undefined) clearTimeout(reconnect);
      reconnect = undefined;
      eventSource?.close();
      eventSource = undefined;
    };

    /** Drops the connection and opens another after a backoff: its first event is a full data set afresh. */
    const reconnectAfter = (reason: string) => {
      const ceiling = Math.min(MAX_RETRY_DELAY_MS, INITIAL_RETRY_DELAY_MS * 2 ** Math.min(unreadablePuts, 10));
      const delay = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
      unreadablePuts++;
      stop();
      onProblem({ event: 'put', reason: `${reason}; the stream reconnects in ${delay} ms for a full data set afresh` });
      reconnect = setTimeout(() => {
        reconnect = undefined;
        connect();
      }, delay);
    };

    const handlers: Record<string, (json: unknown) => void> = {
      put: (json) => {
        const put = decoded(PutEventCodec, json);
        if (typeof put === 'string') return reconnectAfter(put);
        unreadablePuts = 0;
        // Unchecked, as the SDK's own handler passes them: the store says whether `flags` is a map of flags.
        const allData = { features: put.data['flags'], segments: put.data['segments'] } as LDFeatureStoreDataStorage;
        dataSourceUpdates.init(allData, initSuccessHandler, sdk.internal.initMetadataFromHeaders(initHeaders));
      },
      patch: (json) => {
        const patch = decoded(PatchEventCodec, json);
        if (typeof patch === 'string') return onProblem({ event: 'patch', reason: patch });
        const target = itemAt(patch.path);
        if (target === undefined) return; // a kind this SDK version does not store, as the SDK does
        const { namespace } = target.kind;
        if (isObjectPrototypeName(target.key))
          return onProblem({ event: 'patch', namespace, key: target.key, reason: PROTOTYPE_KEY_REASON });
        const item = decodeItem(PatchedItemCodec, patch.data);
        if (!item.ok) return onProblem({ event: 'patch', namespace, key: target.key, reason: item.reason });
        // The SDK keeps the item under its own key, which its change tracking walks too.
        if (isObjectPrototypeName(item.value.key))
          return onProblem({ event: 'patch', namespace, key: target.key, reason: PROTOTYPE_KEY_REASON });
        dataSourceUpdates.upsert(target.kind, patch.data as LDKeyedFeatureStoreItem, () => {});
      },
      delete: (json) => {
        const deletion = decoded(DeleteEventCodec, json);
        if (typeof deletion === 'string') return onProblem({ event: 'delete', reason: deletion });
        const target = itemAt(deletion.path);
        if (target === undefined) return;
        if (isObjectPrototypeName(target.key))
          return onProblem({ event: 'delete', namespace: target.kind.namespace, key: target.key, reason: PROTOTYPE_KEY_REASON });
        dataSourceUpdates.upsert(target.kind, { key: target.key, version: deletion.version, deleted: true }, () => {});
      },
    };

    const connect = () => {
      const source = platform.requests.createEventSource(uri, {
        headers,
        // As the SDK: an answer it cannot retry (401, 403, most 4xx) ends the stream and fails the client.
        errorFilter: (error) => {
          if (!sdk.shouldRetry(error)) {
            errorHandler?.(new sdk.LDStreamingError(sdk.DataSourceErrorKind.ErrorResponse, error.message, error.status));
            logger?.error(sdk.httpErrorMessage(error, 'streaming request'));
            return false;
          }
          logger?.warn(sdk.httpErrorMessage(error, 'streaming request', 'will retry'));
          return true;
        },
        initialRetryDelayMillis: INITIAL_RETRY_DELAY_MS,
        readTimeoutMillis: READ_TIMEOUT_MS,
        retryResetIntervalMillis: RETRY_RESET_INTERVAL_MS,
      });
      eventSource = source;
      source.onopen = (e) => {
        initHeaders = e.headers;
        logger?.info('Opened LaunchDarkly stream connection');
      };
      source.onclose = () => logger?.info('Closed LaunchDarkly stream connection');
      source.onerror = () => {};
      source.onretrying = (e) => logger?.info(`Will retry stream connection in ${e.delayMillis} milliseconds`);
      for (const [name, handle] of Object.entries(handlers)) {
        source.addEventListener(name, (event) => {
          if (source !== eventSource) return; // a connection dropped for an unreadable put
          logger?.debug(`Received ${name} event`);
          try {
            const json = parsed(event?.data);
            if (typeof json !== 'string') handle(json.value);
            else if (name === 'put') reconnectAfter(json);
            else onProblem({ event: name, reason: json });
          } catch (error) {
            // Decode problems are values, not throws: this is the SDK (or the store) failing where it did not, with
            // SDK_VERSION. Thrown here, it would end the process; the next sync reads the data afresh.
            onUnexpected(name, error);
          }
        });
      }
    };

    return { start: connect, stop, close: stop };
  };
  return factory;
}

/** The event's JSON, or why there is none. */
function parsed(data: unknown): { value: unknown } | string {
  if (typeof data !== 'string' || data === '') return 'no data';
  try {
    return { value: JSON.parse(data) as unknown };
  } catch {
    return 'not JSON';
  }
}

function decoded<A>(codec: t.Decoder<unknown, A>, json: unknown): A | string {
  const result = decodeItem(codec, json);
  return result.ok ? result.value : result.reason;
}

/** The kind and key an event's path names (`/flags/<key>`, `/segments/<key>`), as the SDK reads them. */
function itemAt(eventPath: string): { kind: DataKind; key: string } | undefined {
  const match = KINDS.find(({ prefix }) => eventPath.startsWith(prefix));
  const key = match !== undefined ? eventPath.slice(match.prefix.length) : '';
  return match !== undefined && key !== '' ? { kind: match.kind, key } : undefined;
}
