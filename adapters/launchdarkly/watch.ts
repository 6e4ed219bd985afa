import { init, type LDClient, type LDLogger, type LDOptions } from '@launchdarkly/node-server-sdk';
import type { Logger, SourceAdapter } from '../../src/kit';
import { DEFAULT_INIT_TIMEOUT_SECONDS, type LaunchDarklyOptions, type LdEnvironmentOptions } from './options';
import { CapturingFeatureStore } from './store';
import { guardedStreamSource } from './stream-source';

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
 * the SDK is logged as a warning naming the environment and the flag, and announced like an update once listening:
 * the sync it triggers reads the flags afresh and skips a malformed one by key, as every snapshot does.
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
        const kept = (event: string, reason: string, namespace?: string, key?: string) => {
          const { fields, what } = keptItem(event, namespace, key);
          log.warn(
            fields,
            `watch: ${what} is malformed (${reason}); not handed to the SDK, ${listening ? 'a sync reads it now' : 'the next sync reads it'}`,
          );
          if (listening && !signal.aborted) onChange();
        };
        const client = init(env.sdkKey, {
          ...(options.baseUri !== undefined && { baseUri: options.baseUri }),
          ...(streamUri !== undefined && { streamUri }),
          stream: true,
          sendEvents: false,
          diagnosticOptOut: true,
          logger: sdkLogger(log),
          featureStore: new CapturingFeatureStore((namespace, key, reason) => kept('put', reason, namespace, key)),
          updateProcessor:
            updateProcessorFor?.(env) ?? guardedStreamSource(({ event, namespace, key, reason }) => kept(event, reason, namespace, key)),
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
