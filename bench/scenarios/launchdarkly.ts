import { startFakeRelay, type EnvironmentData } from '../../adapters/launchdarkly/test/fake-relay';
import type { Simulator } from '../../src/simulator';
import { BENCH_ENVIRONMENTS } from '../sources/flagd-files';
import { launchDarklyEnvironment, type LaunchDarklyGeneration } from '../sources/launchdarkly-data';
import { flagLowerBound, generationScenarios, requestCounter, writeBenchConfig, type ScenarioSet } from './scenario';

const sdkKey = (env: string) => `sdk-bench-${env}`;

/** The LaunchDarkly tests' Relay Proxy stand-in (polling) serving generated flags, one SDK key per environment. */
export async function launchDarklyScenarios(count: number, dir: string, sim: Simulator): Promise<ScenarioSet> {
  // The relay reads this object at request time: each scenario replaces its environments.
  const served: Record<string, EnvironmentData> = {};
  const set = (generation: LaunchDarklyGeneration) => async () => {
    BENCH_ENVIRONMENTS.forEach((env, i) => (served[sdkKey(env)] = launchDarklyEnvironment(count, i, generation)));
  };
  const relay = await startFakeRelay(served);
  const config = await writeBenchConfig(
    dir,
    sim,
    {
      name: 'bench',
      adapter: 'launchdarkly',
      baseUri: relay.url,
      stream: false,
      initTimeoutSeconds: 600,
      environments: BENCH_ENVIRONMENTS.map((name) => ({ name, sdkKey: sdkKey(name) })),
    },
    1800,
  );
  return {
    config,
    scenarios: generationScenarios(count, set),
    lowerBound: flagLowerBound,
    takeSourceRequests: requestCounter(relay.requests),
    close: () => relay.close(),
  };
}
