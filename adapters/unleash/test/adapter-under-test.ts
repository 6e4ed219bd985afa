import type { FlagSnapshot, FlagSource } from '../../../src/kit';
import { flagSourceFromEntry } from '../../../src/kit/testing';
import { adapter } from '..';
import type { UnleashServer } from './harness';

/** Builds the adapter from a raw config entry exactly as the config loader would hand it over. */
export function adapterFrom(entry: Record<string, unknown>): FlagSource {
  return flagSourceFromEntry(adapter, { name: 'unleash', ...entry }, { configDir: '.' });
}

export function adminEntry(server: UnleashServer, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    url: server.apiUrl,
    adminToken: server.adminToken,
    environments: [
      { name: 'production', type: 'production' },
      { name: 'development', type: 'development' },
    ],
    ...extra,
  };
}

export function clientEntry(server: UnleashServer, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    url: server.apiUrl,
    environments: [
      { name: 'production', type: 'production', clientToken: server.clientTokens.production },
      { name: 'development', type: 'development', clientToken: server.clientTokens.development },
    ],
    ...extra,
  };
}

export function snapshotOf(adapter: FlagSource, signal: AbortSignal = new AbortController().signal): Promise<FlagSnapshot> {
  return adapter.snapshot(signal);
}

/** Resolves with the rejection, or throws when the promise resolved. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection, got a result');
}
