import * as t from 'io-ts';
import {
  DataSourceErrorKind,
  defaultHeaders,
  getStreamingUri,
  httpErrorMessage,
  internal,
  LDStreamingError,
  shouldRetry,
  type DataKind,
  type LDClientContext,
  type LDFeatureStoreDataStorage,
  type LDKeyedFeatureStoreItem,
  type LDOptions,
  type ServiceEndpoints,
  type subsystem,
  type subsystems,
} from '@launchdarkly/node-server-sdk';
import { decodeItem } from '../../src/kit';
import { SdkTrackedItemCodec } from './codecs';

/** A streamed event, or one item in it, that was not handed to the SDK; the reason names fields, never values. */
export interface StreamProblem {
  readonly event: string;
  /** `features` or `segments`, when the event named an item. */
  readonly namespace?: string;
  readonly key?: string;
  readonly reason: string;
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

type UpdateProcessorFactory = (
  clientContext: LDClientContext,
  dataSourceUpdates: subsystems.LDDataSourceUpdates,
  initSuccessHandler: () => void,
  errorHandler?: (e: Error) => void,
) => subsystem.LDStreamProcessor;

/**
 * The SDK's streaming data source, rebuilt on the SDK's own EventSource (its connection, reconnects, backoff, proxy
 * and TLS settings) for one reason: the SDK's event handler throws on some malformed flags outside anything that
 * catches, and the process ends (an uncaught exception while it prepares a flag for evaluation: rules or clauses
 * not a list, a null flag or rule; an unhandled rejection from its change tracking: see SdkTrackedItemCodec). Here
 * each event is decoded at the boundary and nothing thrown leaves a handler. A patched item the SDK could not hold is
 * not handed to it and is reported, and so is an event that cannot be read; a full data set (`put`) is handed on as
 * received, for CapturingFeatureStore (which must be the client's store) keeps from the SDK what it cannot walk, so a
 * snapshot still sees every flag. Flags are not prepared for evaluation: these clients never evaluate one.
 */
export function guardedStreamSource(onProblem: (problem: StreamProblem) => void): NonNullable<LDOptions['updateProcessor']> {
  const factory: UpdateProcessorFactory = (clientContext, dataSourceUpdates, initSuccessHandler, errorHandler) => {
    const { basicConfiguration, platform } = clientContext;
    const logger = basicConfiguration.logger;
    let eventSource: ReturnType<typeof platform.requests.createEventSource> | undefined;
    let initHeaders: Record<string, string> | undefined;

    const handlers: Record<string, (json: unknown) => void> = {
      put: (json) => {
        const put = decoded(PutEventCodec, json);
        if (typeof put === 'string') return onProblem({ event: 'put', reason: put });
        // Unchecked, as the SDK's own handler passes them: the store says whether `flags` is a map of flags.
        const allData = { features: put.data['flags'], segments: put.data['segments'] } as LDFeatureStoreDataStorage;
        dataSourceUpdates.init(allData, initSuccessHandler, internal.initMetadataFromHeaders(initHeaders));
      },
      patch: (json) => {
        const patch = decoded(PatchEventCodec, json);
        if (typeof patch === 'string') return onProblem({ event: 'patch', reason: patch });
        const target = itemAt(patch.path);
        if (target === undefined) return; // a kind this SDK version does not store, as the SDK does
        const item = decodeItem(PatchedItemCodec, patch.data);
        if (!item.ok) return onProblem({ event: 'patch', namespace: target.kind.namespace, key: target.key, reason: item.reason });
        dataSourceUpdates.upsert(target.kind, patch.data as LDKeyedFeatureStoreItem, () => {});
      },
      delete: (json) => {
        const deletion = decoded(DeleteEventCodec, json);
        if (typeof deletion === 'string') return onProblem({ event: 'delete', reason: deletion });
        const target = itemAt(deletion.path);
        if (target === undefined) return;
        dataSourceUpdates.upsert(target.kind, { key: target.key, version: deletion.version, deleted: true }, () => {});
      },
    };

    return {
      start: () => {
        const uri = getStreamingUri(basicConfiguration.serviceEndpoints as ServiceEndpoints, '/all', []);
        eventSource = platform.requests.createEventSource(uri, {
          headers: defaultHeaders(basicConfiguration.sdkKey, platform.info),
          // As the SDK: an answer it cannot retry (401, 403, most 4xx) ends the stream and fails the client.
          errorFilter: (error) => {
            if (!shouldRetry(error)) {
              errorHandler?.(new LDStreamingError(DataSourceErrorKind.ErrorResponse, error.message, error.status));
              logger?.error(httpErrorMessage(error, 'streaming request'));
              return false;
            }
            logger?.warn(httpErrorMessage(error, 'streaming request', 'will retry'));
            return true;
          },
          initialRetryDelayMillis: INITIAL_RETRY_DELAY_MS,
          readTimeoutMillis: READ_TIMEOUT_MS,
          retryResetIntervalMillis: RETRY_RESET_INTERVAL_MS,
        });
        eventSource.onopen = (e) => {
          initHeaders = e.headers;
          logger?.info('Opened LaunchDarkly stream connection');
        };
        eventSource.onclose = () => logger?.info('Closed LaunchDarkly stream connection');
        eventSource.onerror = () => {};
        eventSource.onretrying = (e) => logger?.info(`Will retry stream connection in ${e.delayMillis} milliseconds`);
        for (const [name, handle] of Object.entries(handlers)) {
          eventSource.addEventListener(name, (event) => {
            logger?.debug(`Received ${name} event`);
            try {
              const json = parsed(event?.data);
              if (typeof json === 'string') onProblem({ event: name, reason: json });
              else handle(json.value);
            } catch (error) {
              // Thrown here, it would end the process; the next sync reads the data afresh.
              onProblem({ event: name, reason: error instanceof Error ? error.message : String(error) });
            }
          });
        }
      },
      stop: () => {
        eventSource?.close();
        eventSource = undefined;
      },
      close: () => {
        eventSource?.close();
        eventSource = undefined;
      },
    };
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
function itemAt(path: string): { kind: DataKind; key: string } | undefined {
  const match = KINDS.find(({ prefix }) => path.startsWith(prefix));
  const key = match !== undefined ? path.slice(match.prefix.length) : '';
  return match !== undefined && key !== '' ? { kind: match.kind, key } : undefined;
}
