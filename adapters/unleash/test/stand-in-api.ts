import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { startFixtureServer, type FixtureAnswer, type FixtureRequest, type FixtureServer } from '../../../src/kit/testing';

/**
 * A loopback stand-in for Unleash 7's Admin API and client API, for data the real server never produces (a malformed
 * feature). Serves `data` as it is at request time, so a test can change a feature between two reads. Client tokens
 * are `<project>:<environment>.<secret>`; the client API answers that environment's view of every feature.
 */
export const STAND_IN_ADMIN_TOKEN = '*:*.stand-in-admin-7d21c4';

/** The path the adapter asks for the instance's newest event (its unchanged-instance check). */
export const NEWEST_EVENT_PATH = '/api/admin/search/events?limit=1&offset=0';
export const STAND_IN_CLIENT_TOKENS = {
  production: 'default:production.stand-in-prod-91ab',
  development: 'default:development.stand-in-dev-52ef',
} as const;

export interface StandInFeature {
  search: Record<string, unknown>;
  feature: { name: string; project: string; environments: Array<Record<string, unknown>>; [field: string]: unknown };
  changedAt: string;
}

export interface StandInData {
  environments: unknown[];
  segments: Array<{ id: number; name: string }>;
  features: StandInFeature[];
  /** Id of the newest event in the whole instance; every change made through Unleash raises it. */
  newestEventId?: number;
}

const FIXTURE = path.resolve(__dirname, '../../../test/contract/fixtures/unleash/features.json');

/** A fresh copy of the contract fixtures: three features in development and production. */
export function standInData(): StandInData {
  return JSON.parse(readFileSync(FIXTURE, 'utf8')) as StandInData;
}

/** What Unleash does on every change made through it: writes an event, so the newest event id moves. */
export function recordEventIn(data: StandInData): void {
  data.newestEventId = (data.newestEventId ?? 1) + 1;
}

/** Archives `name` as Unleash does: it leaves the active list and a new event is written. */
export function archiveIn(data: StandInData, name: string): void {
  const index = data.features.findIndex((f) => f.feature.name === name);
  if (index < 0) throw new Error(`no feature ${name} in the stand-in data`);
  data.features.splice(index, 1);
  recordEventIn(data);
}

/** The feature named `name` in `data` (throws when absent, so a typo fails the test). */
export function featureIn(data: StandInData, name: string): StandInFeature {
  const found = data.features.find((f) => f.feature.name === name);
  if (found === undefined) throw new Error(`no feature ${name} in the stand-in data`);
  return found;
}

function adminAnswer(data: StandInData, request: FixtureRequest) {
  const p = request.path;
  if (p === '/api/admin/environments') return { body: { version: 1, environments: data.environments } };
  if (p === '/api/admin/segments') return { body: { segments: data.segments } };
  if (p === '/api/admin/projects') {
    const ids = [...new Set(['default', ...data.features.map((f) => f.feature.project)])];
    return { body: { version: 1, projects: ids.map((id) => ({ id, name: id })) } };
  }
  if (p === '/api/admin/search/features') {
    const offset = Number(request.query.get('offset') ?? '0');
    const limit = Number(request.query.get('limit') ?? '50');
    return { body: { features: data.features.slice(offset, offset + limit).map((f) => f.search), total: data.features.length } };
  }
  if (p === '/api/admin/search/events' && !request.query.has('feature')) {
    const id = data.newestEventId ?? 1;
    return { body: { events: [{ id, type: 'feature-updated', createdAt: '2024-06-04T00:00:00.000Z' }], total: id } };
  }
  if (p === '/api/admin/search/events') return featureEventsAnswer(request, (name) => data.features.find((f) => f.feature.name === name));
  const match = /^\/api\/admin\/projects\/([^/]+)\/features\/([^/]+)$/.exec(p);
  const found =
    match === null
      ? undefined
      : data.features.find((f) => f.feature.project === decodeURIComponent(match[1]!) && f.feature.name === decodeURIComponent(match[2]!));
  return found === undefined ? undefined : { body: found.feature };
}

/**
 * `GET /api/admin/search/events?feature=IS:<name>` or `IS_ANY_OF:<a>,<b>,…`, paged by offset and limit: one
 * `feature-updated` event per named feature (its `changedAt`), newest first, as Unleash orders them.
 */
export function featureEventsAnswer(request: FixtureRequest, lookup: (name: string) => StandInFeature | undefined): FixtureAnswer {
  const filter = request.query.get('feature') ?? '';
  const names = filter.startsWith('IS_ANY_OF:') ? filter.slice('IS_ANY_OF:'.length).split(',') : [filter.replace(/^IS:/, '')];
  const events = names
    .flatMap((name) => {
      const found = lookup(name);
      return found === undefined ? [] : [{ type: 'feature-updated', featureName: name, createdAt: found.changedAt }];
    })
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .map((event, i) => ({ id: i + 1, ...event }));
  const offset = Number(request.query.get('offset') ?? '0');
  const limit = Number(request.query.get('limit') ?? '50');
  return { body: { events: events.slice(offset, offset + limit), total: events.length } };
}

/** The client API's view of every feature in one environment (what /api/client/features sends). */
function clientFeatures(data: StandInData, environment: string) {
  return data.features.flatMap(({ feature }) => {
    const env = feature.environments.find((e) => e.name === environment);
    if (env === undefined) return [];
    const { environments: _all, ...rest } = feature;
    return [{ ...rest, enabled: env.enabled, strategies: env.strategies, variants: [] }];
  });
}

function answer(data: StandInData, request: FixtureRequest) {
  const token = request.headers.authorization;
  if (token === STAND_IN_ADMIN_TOKEN && request.path.startsWith('/api/admin/')) return adminAnswer(data, request);
  const environment = Object.entries(STAND_IN_CLIENT_TOKENS).find(([, t]) => t === token)?.[0];
  if (environment === undefined) return { status: 401, body: { name: 'AuthenticationRequired', message: 'You must log in' } };
  if (request.path === '/api/client/features')
    return { body: { version: 2, features: clientFeatures(data, environment), segments: data.segments } };
  if (request.path === '/api/client/register') return { status: 202, body: {} };
  return undefined;
}

/** `override` answers first (for a malformed page); undefined from it falls through to the normal answer. */
export function startUnleashStandIn(
  data: StandInData,
  override?: (request: FixtureRequest) => FixtureAnswer | undefined,
): Promise<FixtureServer> {
  return startFixtureServer((request) => override?.(request) ?? answer(data, request));
}
