import { InMemStorageProvider, Unleash, UnleashEvents } from 'unleash-client';
import { decodeItem, decodeOrThrow } from '../../src/kit';
import { ClientFeatureCodec, ClientFeaturesCodec, type ClientFeature } from './codecs';
import { featureNameOf } from './entity';

/**
 * Client-token mode: one unleash-client per environment, used for exactly one synchronisation. The SDK's own
 * repository fetches; flagsync reads `getFeatureToggleDefinitions(true)` (segments resolved) once the client says
 * 'synchronized', then destroys the client so no polling is left behind. Each feature is decoded on its own: a
 * malformed one is listed in `skipped`, a nameless one (or a list that is not a list) fails the read.
 */
export interface ClientReadOptions {
  readonly apiRoot: string;
  readonly environment: string;
  readonly token: string;
  readonly project?: string;
  /** Give up waiting for the first synchronisation after this long. */
  readonly timeoutMs: number;
}

export interface ClientEnvironmentRead {
  readonly environment: string;
  readonly features: readonly ClientFeature[];
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
}

function decodeFeatures(environment: string, definitions: unknown): ClientEnvironmentRead {
  const raw = decodeOrThrow(ClientFeaturesCodec, definitions, `Unleash client features for ${environment}`);
  const features: ClientFeature[] = [];
  const skipped: { name: string; reason: string }[] = [];
  raw.forEach((item, i) => {
    const name = featureNameOf(item, `Unleash client feature ${i} for ${environment}`);
    const decoded = decodeItem(ClientFeatureCodec, item);
    if (decoded.ok) features.push(decoded.value);
    else skipped.push({ name, reason: decoded.reason });
  });
  return { environment, features, skipped };
}

// The SDK polls on this interval; the client is destroyed long before a second fetch.
const REFRESH_INTERVAL_MS = 60_000;

/**
 * What is wrong with a client token for the configured environment and project, read from its own prefix
 * (`<project>:<environment>.<secret>`). Unleash serves the environment and projects the token was made for, whatever
 * the client asks: a token of another environment would show that environment's states under this one's name, and one
 * of another project answers with no features, which would delete the provider's flags. A token of another form (a
 * legacy one) cannot tell, and is taken as it is. Only the prefix is ever quoted, never the secret.
 */
export function clientTokenProblem(token: string, environment: string, project: string | undefined): string | undefined {
  const match = /^([^:.]+):([^.]+)\./.exec(token);
  if (match === null) return undefined;
  const [, tokenProject, tokenEnvironment] = match as unknown as [string, string, string];
  if (tokenEnvironment !== environment) {
    return `the client token of environment ${JSON.stringify(environment)} is for Unleash environment ${JSON.stringify(tokenEnvironment)}`;
  }
  // `*` is every project, `[]` a list the prefix does not name.
  if (project !== undefined && tokenProject !== '*' && tokenProject !== '[]' && tokenProject !== project) {
    return `the client token of environment ${JSON.stringify(environment)} is for project ${JSON.stringify(tokenProject)}, not the configured ${JSON.stringify(project)}`;
  }
  return undefined;
}

export function readClientFeatures(options: ClientReadOptions, signal: AbortSignal): Promise<ClientEnvironmentRead> {
  const where = `${options.apiRoot} (environment ${options.environment})`;
  return new Promise<ClientEnvironmentRead>((resolve, reject) => {
    if (signal.aborted) {
      reject(new Error(`reading ${where} aborted`));
      return;
    }
    const tokenProblem = clientTokenProblem(options.token, options.environment, options.project);
    if (tokenProblem !== undefined) {
      reject(new Error(`${tokenProblem}; nothing is read or deleted`));
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

    client.on(UnleashEvents.Error, (err: unknown) => {
      if (!isSdkFeatureCheck(err)) fail(clientErrorMessage(err));
    });
    // The SDK reports 404/429/5xx as warnings and keeps polling; for a one-shot read they are failures.
    client.on(UnleashEvents.Warn, (msg: unknown) => fail(`Unleash client warning: ${String(msg)}`));
    client.on(UnleashEvents.Synchronized, () => {
      try {
        const read = decodeFeatures(options.environment, client.getFeatureToggleDefinitions(true));
        finish(() => resolve(read), true);
      } catch (err) {
        fail(err instanceof Error ? err.message : String(err));
      }
    });
    started = client.start();
    started.catch((err: unknown) => fail(clientErrorMessage(err)));
  });
}

/**
 * The SDK checks each feature as it stores it and reports a bad one (`feature.enabled should be an boolean, ...`)
 * as an error, without its name, then carries on. The per-feature decode names and skips that feature instead.
 */
function isSdkFeatureCheck(err: unknown): boolean {
  return err instanceof Error && /^(Unleash Repository error: )?feature\.(strategies|variants|enabled) should be /.test(err.message);
}

function clientErrorMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const cause = (err as { cause?: { code?: string } }).cause?.code;
  if (/responded 40[13]/.test(text)) return `Unleash refused the client token: ${text.replace(/ Stopping refresh of toggles$/, '')}`;
  return cause !== undefined ? `cannot reach Unleash: ${text} (${cause})` : text;
}
