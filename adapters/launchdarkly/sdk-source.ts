import { init, type LDLogger, type LDOptions } from '@launchdarkly/node-server-sdk';
import type { Logger } from '../../src/kit';
import { CapturingFeatureStore } from './store';
import { guardedStreamSource, SDK_VERSION } from './stream-source';

export interface SdkSourceSettings {
  /** Polling base URI (Relay Proxy or LaunchDarkly); the SDK's default when undefined. */
  readonly baseUri?: string;
  readonly streamUri?: string;
  readonly stream: boolean;
  readonly initTimeoutSeconds: number;
  /** Replaces the polling/streaming data source, e.g. with the SDK's TestData (`td.getFactory()`). */
  readonly updateProcessor?: LDOptions['updateProcessor'];
}

/** One environment's flag data as the SDK's store received it. */
export interface EnvironmentItems {
  /** Flag key → flag configuration as the SDK stored it (tombstones included, undecoded). */
  readonly items: Readonly<Record<string, unknown>>;
  /**
   * Flags among `items` the SDK was not handed (CapturingFeatureStore.init), key → reason, in key order: a snapshot
   * skips them by key (Jira keeps its copy), for the SDK never held them.
   */
  readonly kept: ReadonlyMap<string, string>;
}

/** One environment failed to deliver flag data; the message names the cause but never the SDK key. */
export class EnvironmentReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvironmentReadError';
  }
}

/**
 * SDK log lines go to our logger at debug (the adapter's error is what gets reported); the last warning or error is
 * kept to explain a failed start, except the SDK's own timeout line, which would hide the real cause.
 */
function sdkLogger(logger: Logger, lastProblem: { message?: string }): LDLogger {
  const text = (args: unknown[]) => args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ');
  const problem =
    (level: string) =>
    (...args: unknown[]) => {
      const line = text(args);
      if (!line.startsWith('waitForInitialization')) lastProblem.message = line;
      logger.debug({ sdk: level }, line);
    };
  return {
    error: problem('error'),
    warn: problem('warn'),
    info: (...args: unknown[]) => logger.debug({ sdk: 'info' }, text(args)),
    debug: (...args: unknown[]) => logger.debug({ sdk: 'debug' }, text(args)),
  };
}

function abortPromise(signal: AbortSignal): { promise: Promise<never>; dispose: () => void } {
  let onAbort = () => {};
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => reject(new EnvironmentReadError('aborted'));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  promise.catch(() => {});
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}

/**
 * Starts an SDK client for one SDK key, waits (bounded) until it has the environment's full data set, returns the
 * flag configurations as the SDK stored them (key → item, tombstones included, undecoded, with those kept from the
 * SDK named) and always closes the client: a one-shot run never hangs on it. The store is read right after initialization, before the (background)
 * close. A data set whose `flags` is not a key → flag map rejects: it must never read as "no flags".
 */
export async function readEnvironmentItems(
  sdkKey: string,
  settings: SdkSourceSettings,
  signal: AbortSignal,
  logger: Logger,
): Promise<EnvironmentItems> {
  if (signal.aborted) throw new EnvironmentReadError('aborted');
  const store = new CapturingFeatureStore();
  const lastProblem: { message?: string } = {};
  const source = (settings.stream ? (settings.streamUri ?? settings.baseUri) : settings.baseUri) ?? 'LaunchDarkly';
  // Streaming goes through guardedStreamSource: the SDK's own stream handler ends the process on some malformed flags.
  // A patch kept from the SDK changes nothing read here (the store is read right after the first data set).
  const updateProcessor =
    settings.updateProcessor ??
    (settings.stream
      ? guardedStreamSource({
          onProblem: ({ event, key, reason }) => {
            lastProblem.message = `stream ${event} event${key !== undefined ? ` for "${key}"` : ''} not read: ${reason}`;
            logger.debug({ sdk: 'stream' }, lastProblem.message);
          },
          onUnexpected: (event, error) => {
            const message = error instanceof Error ? error.message : String(error);
            lastProblem.message = scrub(
              `handling a stream ${event} event failed unexpectedly (${message}): the LaunchDarkly SDK's internals may ` +
                `have changed (the adapter is built against @launchdarkly/node-server-sdk ${SDK_VERSION})`,
              sdkKey,
            );
            logger.error(lastProblem.message);
          },
        })
      : undefined);
  const client = init(sdkKey, {
    ...(settings.baseUri !== undefined ? { baseUri: settings.baseUri } : {}),
    ...(settings.streamUri !== undefined ? { streamUri: settings.streamUri } : {}),
    stream: settings.stream,
    sendEvents: false,
    diagnosticOptOut: true,
    timeout: requestTimeoutSeconds(settings.initTimeoutSeconds),
    featureStore: store,
    logger: sdkLogger(logger, lastProblem),
    ...(updateProcessor !== undefined ? { updateProcessor } : {}),
  });
  const initialized = client.waitForInitialization({ timeout: settings.initTimeoutSeconds });
  // The SDK's poller schedules its next poll when a response lands, even after close(); closing only once
  // initialization has settled (at the latest after the init timeout, when no request is in flight any more)
  // leaves no timer behind. An abort therefore rejects at once, and the client closes in the background.
  void initialized.then(
    () => client.close(),
    () => client.close(),
  );
  const aborted = abortPromise(signal);
  try {
    await Promise.race([initialized, aborted.promise]);
  } catch (error) {
    throw new EnvironmentReadError(scrub(explain(error, source, settings, lastProblem.message), sdkKey));
  } finally {
    aborted.dispose();
  }
  const kept = store.kept('features');
  const items = store.take('features');
  if (items === undefined) throw new EnvironmentReadError(`flag data from ${source}: flags: expected a map of flag key to flag, got none`);
  return { items, kept };
}

/** Each SDK request ends before the init timeout does, so a poll is never in flight when the client closes. */
function requestTimeoutSeconds(initTimeoutSeconds: number): number {
  return Math.max(0.1, initTimeoutSeconds * 0.8);
}

function explain(error: unknown, source: string, settings: SdkSourceSettings, lastProblem: string | undefined): string {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof EnvironmentReadError) return message;
  // The SDK's words for a 401 ("error 401 (invalid SDK key)"), not any 401: an address may hold one (a port, an IP).
  if (/authentication failed|invalid sdk key|\berror 401\b/i.test(`${message} ${lastProblem ?? ''}`)) {
    return `SDK key rejected (401) by ${source}`;
  }
  if (/timed out/i.test(message)) {
    const why = lastProblem ? ` (last problem: ${lastProblem})` : '';
    return `no flag data from ${source} within ${settings.initTimeoutSeconds} s${why}`;
  }
  return `SDK failed to initialize from ${source}: ${message}${lastProblem ? ` (${lastProblem})` : ''}`;
}

/** Belt and braces: the SDK's messages do not contain the key, but nothing we throw ever may. */
function scrub(text: string, secret: string): string {
  return secret.length > 0 ? text.split(secret).join('[REDACTED]') : text;
}
