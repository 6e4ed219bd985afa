import { InMemStorageProvider, Unleash, UnleashEvents } from 'unleash-client';
import { decodeOrThrow } from '../../src/codec/decode';
import { ClientFeaturesCodec, type ClientFeature } from './codecs';

/**
 * Client-token mode: one unleash-client per environment, used for exactly one synchronisation. The SDK's own
 * repository fetches; flagsync reads `getFeatureToggleDefinitions(true)` (segments resolved) once the client says
 * 'synchronized', then destroys the client so no polling is left behind.
 */
export interface ClientReadOptions {
  readonly apiRoot: string;
  readonly environment: string;
  readonly token: string;
  readonly project?: string;
  /** Give up waiting for the first synchronisation after this long. */
  readonly timeoutMs: number;
}

// The SDK polls on this interval; the client is destroyed long before a second fetch.
const REFRESH_INTERVAL_MS = 60_000;

export function readClientFeatures(options: ClientReadOptions, signal: AbortSignal): Promise<ClientFeature[]> {
  const where = `${options.apiRoot} (environment ${options.environment})`;
  return new Promise<ClientFeature[]>((resolve, reject) => {
    if (signal.aborted) {
      reject(new Error(`reading ${where} aborted`));
      return;
    }
    const client = new Unleash({
      appName: 'flagsync',
      environment: options.environment,
      url: options.apiRoot,
      customHeaders: { Authorization: options.token },
      ...(options.project !== undefined ? { projectName: options.project } : {}),
      refreshInterval: REFRESH_INTERVAL_MS,
      timeout: options.timeoutMs,
      disableMetrics: true,
      disableAutoStart: true,
      skipInstanceCountWarning: true,
      // No backup file: stale data from an earlier run must never stand in for a failed read.
      storageProvider: new InMemStorageProvider(),
    });
    let settled = false;
    let started: Promise<void> = Promise.resolve();
    /**
     * The SDK schedules its next poll in a `finally` after the fetch that emitted our event, even when stopped
     * meanwhile; waiting for start() to settle before destroy() leaves no timer behind. Abort and timeout do not
     * wait (the fetch may hang): they destroy at once, and once more when the fetch settles, to clear that timer.
     */
    const finish = (outcome: () => void, waitForFetch: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      const done = () => {
        client.destroy();
        outcome();
      };
      if (waitForFetch) void started.then(done, done);
      else {
        done();
        const clearLateTimer = () => client.destroy();
        void started.then(clearLateTimer, clearLateTimer);
      }
    };
    const fail = (message: string, waitForFetch = true) => finish(() => reject(new Error(`${message} (${where})`)), waitForFetch);
    const onAbort = () => fail('reading aborted', false);
    const timer = setTimeout(() => fail(`no answer from Unleash within ${options.timeoutMs} ms`, false), options.timeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });

    client.on(UnleashEvents.Error, (err: unknown) => fail(clientErrorMessage(err)));
    // The SDK reports 404/429/5xx as warnings and keeps polling; for a one-shot read they are failures.
    client.on(UnleashEvents.Warn, (msg: unknown) => fail(`Unleash client warning: ${String(msg)}`));
    client.on(UnleashEvents.Synchronized, () => {
      try {
        const features = decodeOrThrow(ClientFeaturesCodec, client.getFeatureToggleDefinitions(true), `Unleash client features for ${options.environment}`);
        finish(() => resolve(features), true);
      } catch (err) {
        fail(err instanceof Error ? err.message : String(err));
      }
    });
    started = client.start();
    started.catch((err: unknown) => fail(clientErrorMessage(err)));
  });
}

function clientErrorMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const cause = (err as { cause?: { code?: string } }).cause?.code;
  if (/responded 40[13]/.test(text)) return `Unleash refused the client token: ${text.replace(/ Stopping refresh of toggles$/, '')}`;
  return cause !== undefined ? `cannot reach Unleash: ${text} (${cause})` : text;
}
