import type { FixtureAnswer, FixtureRequest } from '../../src/kit/testing';
import type { Simulator } from '../../src/simulator';
import {
  featureEventsAnswer,
  STAND_IN_ADMIN_TOKEN,
  startUnleashStandIn,
  type StandInData,
  type StandInFeature,
} from '../../adapters/unleash/test/stand-in-api';
import { BENCH_ENVIRONMENTS } from '../sources/flagd-files';
import { unleashData, type UnleashGeneration } from '../sources/unleash-data';
import { flagLowerBound, generationScenarios, requestCounter, writeBenchConfig, type ScenarioSet } from './scenario';

const clientToken = (env: string) => `default:${env}.bench-${env}`;

/**
 * The Unleash tests' stand-in (adapters/unleash/test/stand-in-api.ts) serving generated features. Its per-feature answers
 * search the feature list; here they come from an index (answered first through the stand-in's override), so the
 * source keeps up at 100k features. The client API answers a token per bench environment.
 */
function indexedAnswers(data: () => { byName: Map<string, StandInFeature>; data: StandInData }) {
  return (request: FixtureRequest): FixtureAnswer | undefined => {
    const { byName, data: current } = data();
    const token = request.headers.authorization;
    if (token === STAND_IN_ADMIN_TOKEN && request.path === '/api/admin/search/events' && request.query.has('feature')) {
      return featureEventsAnswer(request, (name) => byName.get(name));
    }
    const doc = /^\/api\/admin\/projects\/default\/features\/([^/]+)$/.exec(request.path);
    if (token === STAND_IN_ADMIN_TOKEN && doc !== null) {
      const found = byName.get(decodeURIComponent(doc[1]!));
      return found === undefined ? undefined : { body: found.feature };
    }
    const environment = BENCH_ENVIRONMENTS.find((env) => clientToken(env) === token);
    if (environment !== undefined && request.path === '/api/client/features') {
      const features = current.features.flatMap(({ feature }) => {
        const env = feature.environments.find((e) => e['name'] === environment);
        if (env === undefined) return [];
        const { environments: _all, ...rest } = feature;
        return [{ ...rest, enabled: env['enabled'], strategies: env['strategies'], variants: [] }];
      });
      return { body: { version: 2, features, segments: current.segments.map((s) => ({ ...s, constraints: [] })) } };
    }
    if (environment !== undefined && request.path === '/api/client/register') return { status: 202, body: {} };
    return undefined;
  };
}

/** Unleash on loopback with `count` generated features, read through the Admin API or with client tokens. */
export async function unleashScenarios(count: number, dir: string, sim: Simulator, mode: 'admin' | 'client'): Promise<ScenarioSet> {
  let current = { data: unleashData(count, { changeEvery: 0 }), byName: new Map<string, StandInFeature>() };
  const set = (generation: UnleashGeneration) => async () => {
    const data = unleashData(count, generation);
    current = { data, byName: new Map(data.features.map((f) => [f.feature.name, f])) };
    // The stand-in reads the same object: replace its contents in place.
    Object.assign(served, data);
  };
  const served: StandInData = { environments: [], segments: [], features: [] };
  const server = await startUnleashStandIn(
    served,
    indexedAnswers(() => current),
  );
  const environments = BENCH_ENVIRONMENTS.map((name) => (mode === 'admin' ? { name } : { name, clientToken: clientToken(name) }));
  const config = await writeBenchConfig(
    dir,
    sim,
    {
      name: 'bench',
      adapter: 'unleash',
      url: `${server.url}/api`,
      ...(mode === 'admin' && { adminToken: STAND_IN_ADMIN_TOKEN }),
      environments,
    },
    1800,
  );
  return {
    config,
    scenarios: generationScenarios(count, set),
    lowerBound: flagLowerBound,
    takeSourceRequests: requestCounter(server.requests),
    close: () => server.close(),
  };
}
