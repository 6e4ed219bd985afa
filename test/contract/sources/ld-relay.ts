import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { startFixtureServer, type FixtureServer } from '../../../src/kit/testing';

/**
 * A stand-in for the LaunchDarkly Relay Proxy's polling endpoint (GET /sdk/latest-all, `{flags, segments}` per SDK
 * key, 401 for an unknown key) and its streaming one (GET /all), serving server-side SDK flag data from
 * fixtures/launchdarkly.
 */
export const LD_SDK_KEYS = { production: 'sdk-contract-prod-7d1e0a', staging: 'sdk-contract-stg-42b9c1' } as const;

const load = (file: string) => JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'launchdarkly', file), 'utf8')) as unknown;
type EnvironmentData = { flags: Record<string, Record<string, unknown>> };

export interface LdRelay extends FixtureServer {
  /** Later polls give production's "pricing-v2" a string `fallthrough` instead of a variation or rollout object. */
  corruptOne(): { key: string };
}

export async function startLdRelay(): Promise<LdRelay> {
  // A fresh copy per server, so one test's corruption never leaks into the next.
  const byKey = new Map<string, EnvironmentData>([
    [LD_SDK_KEYS.production, load('production.json') as EnvironmentData],
    [LD_SDK_KEYS.staging, load('staging.json') as EnvironmentData],
  ]);
  const server = await startFixtureServer((request) => {
    const data = byKey.get(request.headers.authorization ?? '');
    if (data === undefined) return { status: 401, body: { message: 'invalid SDK key' } };
    if (request.path === '/sdk/latest-all') return { body: data };
    // The streaming endpoint (watch mode): the data set as one `put` event; the SDK reconnects when it ends, and the
    // same versions again announce nothing.
    if (request.path === '/all') {
      const put = JSON.stringify({ path: '/', data: { flags: data.flags, segments: {} } });
      return { headers: { 'content-type': 'text/event-stream' }, text: `event: put\ndata: ${put}\n\n` };
    }
    return undefined;
  });
  return {
    ...server,
    corruptOne() {
      byKey.get(LD_SDK_KEYS.production)!.flags['pricing-v2']!['fallthrough'] = 'variation 0';
      return { key: 'pricing-v2' };
    },
  };
}
