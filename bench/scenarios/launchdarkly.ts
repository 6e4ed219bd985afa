import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { startFakeRelay, type EnvironmentData } from '../../adapters/launchdarkly/test/fake-relay';
import type { Simulator } from '../../src/simulator';
import { BENCH_ENVIRONMENTS } from '../sources/flagd-files';
import { launchDarklyEnvironment, type LaunchDarklyGeneration } from '../sources/launchdarkly-data';
import { jiraSection } from './flagd';
import { flagLowerBound, type ScenarioSet } from './scenario';

const sdkKey = (env: string) => `sdk-bench-${env}`;

/** The LaunchDarkly tests' Relay Proxy stand-in (polling) serving generated flags, one SDK key per environment. */
export async function launchDarklyScenarios(count: number, dir: string, sim: Simulator): Promise<ScenarioSet> {
  // The relay reads this object at request time: each scenario replaces its environments.
  const served: Record<string, EnvironmentData> = {};
  const set = (generation: LaunchDarklyGeneration) => async () => {
    BENCH_ENVIRONMENTS.forEach((env, i) => (served[sdkKey(env)] = launchDarklyEnvironment(count, i, generation)));
  };
  const relay = await startFakeRelay(served);
  let counted = 0;
  const config = path.join(dir, 'flagsync.yaml');
  await writeFile(
    config,
    stringify({
      jira: jiraSection(sim),
      state: { path: path.join(dir, 'state.json') },
      sync: { providerTimeoutSeconds: 1800 },
      providers: [
        {
          name: 'bench',
          adapter: 'launchdarkly',
          baseUri: relay.url,
          stream: false,
          initTimeoutSeconds: 600,
          environments: BENCH_ENVIRONMENTS.map((name) => ({ name, sdkKey: sdkKey(name) })),
        },
      ],
    }),
  );
  return {
    config,
    scenarios: [
      { name: 'first run (all created)', prepare: set({ changeEvery: 0 }), writes: count },
      { name: 'nothing changed', prepare: async () => {}, writes: 0 },
      { name: '1% changed', prepare: set({ changeEvery: 100, revision: 1 }), writes: Math.ceil(count / 100) },
      { name: '100% changed', prepare: set({ changeEvery: 1, revision: 2 }), writes: count },
    ],
    lowerBound: flagLowerBound,
    takeSourceRequests() {
      const n = relay.requests.length - counted;
      counted = relay.requests.length;
      return n;
    },
    close: () => relay.close(),
  };
}
