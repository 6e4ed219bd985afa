import { init, type LDClient, type LDLogger, type LDOptions } from '@launchdarkly/node-server-sdk';
import type { Logger, SourceAdapter } from '../../src/kit';
import { DEFAULT_INIT_TIMEOUT_SECONDS, type LaunchDarklyOptions, type LdEnvironmentOptions } from './options';
import { CapturingFeatureStore, type KeptFromDataSet } from './store';
import { guardedStreamSource, SDK_VERSION } from './stream-source';

/**
 * Watch mode for LaunchDarkly: one long-lived SDK client per environment on the streaming connection (to the Relay
 * Proxy when `baseUri`/`streamUri` point at it, else LaunchDarkly), announcing each `update` event the SDK emits
 * when a flag (or a segment it uses) changes. Listening starts once the client has its first data set, so the data
 * it starts from is no change. A client that cannot connect at start keeps retrying; when it gets data at last, that
 * is announced once (anything may have changed meanwhile). A client the SDK gave up on (a refused SDK key) fails the
 * watch at start, so the host says the provider is synced on the schedule only; later, it is logged as an error.
 *
 * A malformed flag on the stream must not end the daemon, and the SDK's own stream handling would let it (see
 * stream-source.ts): the stream is read by guardedStreamSource into a CapturingFeatureStore, and what they keep from
 * the SDK is logged as a warning naming the environment and the flag (one line per full data set, with a count and
 * the first few), and announced like an update once listening: the sync it triggers reads the flags afresh and skips
 * a malformed one by key, as every snapshot does. Something thrown while an event is handled that is no decode
 * problem is logged as an error (the SDK's internals may have changed) and announced the same way.
 */
export function watchLaunchDarkly(
  options: LaunchDarklyOptions,
  updateProcessorFor: ((environment: LdEnvironmentOptions) => LDOptions['updateProcessor'] | undefined) | undefined,
  logger: Logger,
): NonNullable<SourceAdapter['watch']> {
  const initTimeoutSeconds = options.initTimeoutSeconds ?? DEFAULT_INIT_TIMEOUT_SECONDS;
  const streamUri = options.streamUri ?? options.baseUri;
  return async (onChange, signal) => {
    const clients: LDClient[] = [];
    signal.addEventListener('abort', () => clients.forEach((client) => client.close()), { once: true });
    await Promise.all(
      options.environments.map(async (env) => {
        if (signal.aborted) return;
        const log = logger.child({ environment: env.name });
        let listening = false;
        const announce = () => {
          if (listening && !signal.aborted) onChange();
        };
        const then = () => (listening ? 'a sync reads it now' : 'the next sync reads it');
        const kept = (event: string, reason: string, namespace?: string, key?: string) => {
          const { fields, what } = keptItem(event, namespace, key);
          log.warn(fields, `watch: ${what} is malformed (${reason}); not handed to the SDK, ${then()}`);
          announce();
        };
        const keptFromDataSet = (dataSet: KeptFromDataSet) => {
          const { fields, what } = keptFromPut(dataSet);
          log.warn(fields, `watch: a streamed full data set is malformed: ${what}; not handed to the SDK, ${then()}`);
          announce();
        };
        const client = init(env.sdkKey, {
          ...(options.baseUri !== undefined && { baseUri: options.baseUri }),
          ...(streamUri !== undefined && { streamUri }),
          stream: true,
          sendEvents: false,
          diagnosticOptOut: true,
          logger: sdkLogger(log),
          featureStore: new CapturingFeatureStore(keptFromDataSet),
          updateProcessor:
            updateProcessorFor?.(env) ??
            guardedStreamSource({
              onProblem: ({ event, namespace, key, reason }) => kept(event, reason, namespace, key),
              onUnexpected: (event, error) => {
                log.error(
                  { err: error },
                  `watch: handling a streamed ${event} event failed unexpectedly; the LaunchDarkly SDK's internals may ` +
                    `have changed (this adapter is built against @launchdarkly/node-server-sdk ${SDK_VERSION}), ${then()}`,
                );
                announce();
              },
            }),
        });
        clients.push(client);
        const listen = () => {
          listening = true;
          client.on('update', () => onChange());
        };
        // The SDK gives up for good on an error it cannot retry (401: a wrong or revoked SDK key) and says so once.
        let gaveUp: Error | undefined;
        let started = false;
        client.once('failed', (error: unknown) => {
          gaveUp = error instanceof Error ? error : new Error(String(error));
          // At start the watch's rejection says it; later only this line does.
          if (started && !signal.aborted)
            log.error({ err: gaveUp }, 'watch: the SDK stopped streaming for good; this environment is synced on the schedule only');
        });
        try {
          await client.waitForInitialization({ timeout: initTimeoutSeconds });
          started = true;
          listen();
        } catch (error) {
          if (gaveUp !== undefined) throw new Error(`environment ${env.name}: ${gaveUp.message}`, { cause: error });
          // Still retrying: a give-up from now on is this watch's end, and only the 'failed' line says so.
          started = true;
          log.warn(`watch: no flag data within ${initTimeoutSeconds} s; the SDK keeps trying, and its first data counts as a change`);
          client.once('ready', () => {
            listen();
            if (!signal.aborted) onChange();
          });
        }
      }),
    );
  };
}

/** How a warning names what was kept from the SDK: the flag or segment when the event named one, else the event. */
function keptItem(event: string, namespace?: string, key?: string): { fields: Record<string, string>; what: string } {
  if (namespace === undefined || key === undefined) return { fields: {}, what: `a streamed ${event} event` };
  const noun = namespace === 'segments' ? 'segment' : 'flag';
  return { fields: { [noun]: key }, what: `${noun} "${key}" as streamed` };
}

/** How many items of a full data set a warning names by key; the rest are counted. */
const KEPT_NAMED = 5;

/**
 * One warning for what the store kept from the SDK of a full data set: namespaces that were not a map, how many items
 * it kept, and the first few by key with their reasons (log fields `count`, `flags`, `segments`).
 */
function keptFromPut({ items, malformed }: KeptFromDataSet): { fields: Record<string, unknown>; what: string } {
  const noun = (namespace: string) => (namespace === 'segments' ? 'segment' : 'flag');
  const parts: string[] = [];
  if (malformed.length > 0)
    parts.push(`${malformed.map((ns) => (ns === 'features' ? 'flags' : ns)).join(' and ')} not a map of key to item (the SDK sees none)`);
  const named = items.slice(0, KEPT_NAMED);
  if (items.length > 0) {
    const more = items.length > named.length ? `; and ${items.length - named.length} more` : '';
    const each = named.map(({ namespace, key, reason }) => `${noun(namespace)} "${key}" (${reason})`).join('; ');
    parts.push(`${items.length} ${items.length === 1 ? 'item' : 'items'}: ${each}${more}`);
  }
  const keys = (namespace: string) => named.filter((i) => i.namespace === namespace).map((i) => i.key);
  const fields: Record<string, unknown> = { count: items.length };
  if (keys('features').length > 0) fields['flags'] = keys('features');
  if (keys('segments').length > 0) fields['segments'] = keys('segments');
  if (malformed.length > 0) fields['malformed'] = malformed;
  return { fields, what: parts.join('; ') };
}

/** The SDK's own lines at debug: a watch that lost its stream is the SDK's to retry, and the schedule still runs. */
function sdkLogger(logger: Logger): LDLogger {
  const line = (args: unknown[]) => args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ');
  return {
    error: (...args: unknown[]) => logger.debug({ sdk: 'error' }, line(args)),
    warn: (...args: unknown[]) => logger.debug({ sdk: 'warn' }, line(args)),
    info: (...args: unknown[]) => logger.debug({ sdk: 'info' }, line(args)),
    debug: (...args: unknown[]) => logger.debug({ sdk: 'debug' }, line(args)),
  };
}
