import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { startFixtureServer, type FixtureRequest, type FixtureServer } from '../../../src/kit/testing';

/**
 * A stand-in for Flipt's v1 REST API on loopback: GET /api/v1/namespaces/{ns}/flags with `limit` and `pageToken`
 * paging (`nextPageToken`, `totalCount`), bearer-token auth, serving the documented JSON from fixtures/flipt; each
 * namespace's evaluation snapshot, where a flag's `rules` and `rollouts` (kept beside it in the data) appear; and
 * GET /api/v1/namespaces/{ns} (the namespace, or a 404). Like Flipt with SQL storage, a namespace it does not hold
 * still has a flag list and a snapshot, both empty (they only filter by namespace key); only the namespace itself
 * is a 404.
 */
export const FLIPT_TOKEN = 'flipt-contract-token-5b1e9c';

type FlagList = { flags: unknown[] };

const load = (file: string) => JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'flipt', file), 'utf8')) as FlagList;

export const fliptNamespaces: Readonly<Record<string, FlagList>> = {
  prod: load('prod.flags.json'),
  staging: load('staging.flags.json'),
};

/** What `GET /meta/info` answers (Flipt's build information); without it, 404 as on a server that lacks the route. */
export interface FliptApiOptions {
  readonly info?: { readonly status?: number; readonly body: unknown };
}

const CREATED = '2026-01-05T10:00:00Z';

function withoutTargeting(flag: unknown): unknown {
  if (typeof flag !== 'object' || flag === null) return flag;
  const { rules: _rules, rollouts: _rollouts, ...listed } = flag as Record<string, unknown>;
  return listed;
}

function answer(namespaces: Readonly<Record<string, FlagList>>, request: FixtureRequest, options: FliptApiOptions) {
  if (request.headers.authorization !== `Bearer ${FLIPT_TOKEN}`)
    return { status: 401, body: { code: 16, message: 'request was not authenticated' } };
  if (request.path === '/meta/info') return options.info;
  // The evaluation snapshot client-side SDKs (and flagsync's watch) poll; this stand-in sends no ETag.
  const snapshot = /^\/internal\/v1\/evaluation\/snapshot\/namespace\/([^/]+)$/.exec(request.path);
  if (snapshot !== null) {
    const key = decodeURIComponent(snapshot[1]!);
    return { body: { namespace: { key }, flags: namespaces[key]?.flags ?? [] } };
  }
  const namespace = /^\/api\/v1\/namespaces\/([^/]+)$/.exec(request.path);
  if (namespace !== null) {
    const key = decodeURIComponent(namespace[1]!);
    if (namespaces[key] === undefined) return { status: 404, body: { code: 5, message: `namespace "${key}" not found`, details: [] } };
    return { body: { key, name: key, description: '', protected: key === 'default', createdAt: CREATED, updatedAt: CREATED } };
  }
  const match = /^\/api\/v1\/namespaces\/([^/]+)\/flags$/.exec(request.path);
  if (match === null) return undefined;
  const list = namespaces[decodeURIComponent(match[1]!)] ?? { flags: [] };
  const limit = Number(request.query.get('limit') ?? '25');
  // Flipt's page token is opaque; an offset in base64 plays the part.
  const offset = Number(Buffer.from(request.query.get('pageToken') ?? '', 'base64').toString() || '0');
  // Rules and rollouts are not part of a flag in the v1 flag list (the evaluation snapshot carries them).
  const page = list.flags.slice(offset, offset + limit);
  const flags = Array.isArray(page) ? page.map(withoutTargeting) : page;
  const next = offset + limit < list.flags.length ? Buffer.from(String(offset + limit)).toString('base64') : '';
  return { body: { flags, nextPageToken: next, totalCount: list.flags.length } };
}

export function startFliptApi(
  namespaces: Readonly<Record<string, FlagList>> = fliptNamespaces,
  options: FliptApiOptions = {},
): Promise<FixtureServer> {
  return startFixtureServer((request) => answer(namespaces, request, options));
}
