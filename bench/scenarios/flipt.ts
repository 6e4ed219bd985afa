import type { Simulator } from '../../src/simulator';
import { FLIPT_TOKEN, startFliptApi } from '../../test/contract/sources/flipt-api';
import { startFliptFront, type SnapshotEndpoint } from '../../adapters/flipt/test/snapshot-front';
import { BENCH_ENVIRONMENTS } from '../sources/flagd-files';
import { flagLowerBound, generationScenarios, requestCounter, writeBenchConfig, type Generation, type ScenarioSet } from './scenario';

/**
 * The Flipt tests' API stand-in serving `count` generated flags in each bench environment's namespace, behind the
 * front that serves the evaluation snapshot with ETags (Flipt 1.54+) or by body (older). A changed flag's description,
 * `enabled` and `updatedAt` differ per revision.
 */
function namespaces(count: number, { changeEvery, revision = 0 }: Generation): Record<string, { flags: Record<string, unknown>[] }> {
  return Object.fromEntries(
    BENCH_ENVIRONMENTS.map((env, e) => {
      const flags = Array.from({ length: count }, (_, i) => {
        const r = changeEvery > 0 && i % changeEvery === 0 ? revision : 0;
        const variant = i % 3 === 0;
        return {
          key: `bench-flag-${i}`,
          name: `Bench flag ${i}`,
          description: `Implements PROJ-${(i % 5000) + 1}${r > 0 ? ` (revision ${r})` : ''}`,
          enabled: (i + e + r) % 5 !== 0,
          namespaceKey: env,
          type: variant ? 'VARIANT_FLAG_TYPE' : 'BOOLEAN_FLAG_TYPE',
          createdAt: '2026-01-05T10:00:00Z',
          updatedAt: `2026-02-0${1 + r}T10:00:00Z`,
          ...(variant && { defaultVariant: { key: `v${r}`, name: `Variant ${r}` } }),
          metadata: i % 2 === 0 ? { owner: 'checkout' } : { jira: `WEB-${(i % 900) + 1}` },
        };
      });
      return [env, { flags }];
    }),
  );
}

export async function fliptScenarios(count: number, dir: string, sim: Simulator, endpoint: SnapshotEndpoint): Promise<ScenarioSet> {
  const served: Record<string, { flags: Record<string, unknown>[] }> = {};
  const set = (generation: Generation) => async () => void Object.assign(served, namespaces(count, generation));
  const api = await startFliptApi(served);
  const front = await startFliptFront(api.url, endpoint);
  const config = await writeBenchConfig(
    dir,
    sim,
    {
      name: 'bench',
      adapter: 'flipt',
      url: front.url,
      token: FLIPT_TOKEN,
      pageSize: 1000,
      environments: BENCH_ENVIRONMENTS.map((name) => ({ name })),
    },
    1800,
  );
  return {
    config,
    scenarios: generationScenarios(count, set),
    lowerBound: flagLowerBound,
    takeSourceRequests: requestCounter(front.requests),
    close: async () => {
      await front.close();
      await api.close();
    },
  };
}
