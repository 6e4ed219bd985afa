import * as t from 'io-ts';
import { conditionalGetVersion, decodeOrThrow, pollForChanges, type FlagSource, type Logger, type PolledVersion } from '../../src/kit';
import type { UnleashOptions } from './options';

/**
 * Watch mode for Unleash, cheapest first. Client tokens: each environment's `GET /api/client/features` (what the
 * SDKs poll) with If-None-Match; Unleash answers 304 while its revision is unchanged. Admin API: the newest event
 * (`GET /api/admin/search/events?limit=1`): a new event id (or count) is a change, anything else is not.
 */
export function watchUnleash(options: UnleashOptions, logger: Logger): NonNullable<FlagSource['watch']> {
  const apiRoot = options.url.replace(/\/+$/, '');
  return async (onChange, signal, pollIntervalMs) => {
    const common = { intervalMs: pollIntervalMs, signal, onChange, logger };
    const { adminToken } = options;
    if (adminToken !== undefined) {
      const url = eventsUrl(apiRoot, options.project);
      const label = `${apiRoot}/admin/search/events`;
      await pollForChanges({ ...common, what: label, poll: (s) => newestEvent(url, label, adminToken, s) });
      return;
    }
    await Promise.all(
      options.environments.map((env) =>
        pollForChanges({
          ...common,
          what: clientFeaturesLabel(options, env.name),
          poll: (s, previous) => clientFeaturesVersion(options, env, previous, s),
        }),
      ),
    );
  };
}

function clientFeaturesLabel(options: UnleashOptions, environment: string): string {
  return `${options.url.replace(/\/+$/, '')}/client/features (environment ${environment})`;
}

/**
 * The version of one environment's client features as Unleash serves them to SDKs (`GET /api/client/features` with
 * the environment's client token): its ETag, or the body's digest; `unchanged` when `previous` still holds (304).
 */
export function clientFeaturesVersion(
  options: UnleashOptions,
  env: UnleashOptions['environments'][number],
  previous: string | undefined,
  signal: AbortSignal,
): Promise<PolledVersion> {
  const apiRoot = options.url.replace(/\/+$/, '');
  const url = `${apiRoot}/client/features${options.project === undefined ? '' : `?project=${encodeURIComponent(options.project)}`}`;
  // The codec guarantees a clientToken on every environment when there is no adminToken.
  const headers = { Authorization: env.clientToken!, Accept: 'application/json' };
  return conditionalGetVersion(url, clientFeaturesLabel(options, env.name), previous, signal, { headers });
}

function eventsUrl(apiRoot: string, project: string | undefined): string {
  const url = new URL(`${apiRoot}/admin/search/events`);
  url.searchParams.set('offset', '0');
  url.searchParams.set('limit', '1');
  if (project !== undefined) url.searchParams.set('project', `IS:${project}`);
  return url.href;
}

const EventPageCodec = t.type({ events: t.array(t.type({ id: t.number })), total: t.number });

async function newestEvent(url: string, label: string, token: string, signal: AbortSignal): Promise<PolledVersion> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { Authorization: token, Accept: 'application/json' },
      signal: AbortSignal.any([signal, AbortSignal.timeout(30_000)]),
    });
  } catch (error) {
    throw new Error(`GET ${label} failed`, { cause: error });
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`GET ${label} answered HTTP ${response.status}`);
  }
  const page = decodeOrThrow(EventPageCodec, await response.json(), `Unleash GET ${label} response`);
  return { version: `${page.events[0]?.id ?? 'none'}:${page.total}` };
}
