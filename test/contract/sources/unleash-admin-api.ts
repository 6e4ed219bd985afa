import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { startFixtureServer, type FixtureRequest, type FixtureServer } from '../../../src/testing';

/**
 * A stand-in for the Unleash 7 Admin API on loopback, answering the documented JSON for the calls the adapter's
 * Admin mode makes: environments, segments, the paged feature search, one feature, and its newest event.
 */
export const UNLEASH_ADMIN_TOKEN = '*:*.contract-admin-token-3c7f0e';

interface FeatureFixture {
  readonly search: { readonly name: string; readonly project: string };
  readonly feature: { environments: Record<string, unknown>[] };
  readonly changedAt: string;
}

interface AdminData {
  environments: unknown[];
  segments: unknown[];
  features: FeatureFixture[];
}

const load = () => JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'unleash', 'features.json'), 'utf8')) as AdminData;

function answer(data: AdminData, request: FixtureRequest) {
  if (request.headers.authorization !== UNLEASH_ADMIN_TOKEN) return { status: 401, body: { name: 'AuthenticationRequired', message: 'You must log in' } };
  const p = request.path;
  if (p === '/api/admin/environments') return { body: { version: 1, environments: data.environments } };
  if (p === '/api/admin/segments') return { body: { segments: data.segments } };
  if (p === '/api/admin/search/features') {
    const offset = Number(request.query.get('offset') ?? '0');
    const limit = Number(request.query.get('limit') ?? '50');
    return { body: { features: data.features.slice(offset, offset + limit).map((f) => f.search), total: data.features.length } };
  }
  if (p === '/api/admin/search/events') {
    const name = (request.query.get('feature') ?? '').replace(/^IS:/, '');
    const found = data.features.find((f) => f.search.name === name);
    return { body: { events: found === undefined ? [] : [{ id: 1, type: 'feature-updated', createdAt: found.changedAt }], total: found === undefined ? 0 : 1 } };
  }
  const match = /^\/api\/admin\/projects\/([^/]+)\/features\/([^/]+)$/.exec(p);
  const found = match === null ? undefined : data.features.find((f) => f.search.project === decodeURIComponent(match[1]!) && f.search.name === decodeURIComponent(match[2]!));
  return found === undefined ? undefined : { body: found.feature };
}

export interface UnleashAdminApi extends FixtureServer {
  /**
   * Later reads of "checkout-redesign"'s feature document give its development environment a string `enabled` (the
   * adapter reads the document only for a feature enabled somewhere, so the disabled "old-banner" would not do).
   */
  corruptOne(): { key: string };
}

export async function startUnleashAdminApi(): Promise<UnleashAdminApi> {
  // A fresh copy per server, so one test's corruption never leaks into the next.
  const data = load();
  const server = await startFixtureServer((request) => answer(data, request));
  return {
    ...server,
    corruptOne() {
      const checkout = data.features.find((f) => f.search.name === 'checkout-redesign')!;
      checkout.feature.environments.find((e) => e['name'] === 'development')!['enabled'] = 'true';
      return { key: 'checkout-redesign' };
    },
  };
}
