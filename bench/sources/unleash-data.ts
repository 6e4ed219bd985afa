import type { StandInData, StandInFeature } from '../../adapters/unleash/test/stand-in-api';
import { BENCH_ENVIRONMENTS } from './flagd-files';

/**
 * Generated Unleash features as the Admin API and client API serve them (the shape of the Unleash tests' stand-in
 * data): every feature in the four bench environments, a fifth of environments off, linked through a `jira` tag or
 * the description; a quarter rolled out by `flexibleRollout`, a quarter with constraints, the rest `default`.
 * `changeEvery`/`revision` as for the flagd files: a changed feature's rollout (what Jira shows) differs per
 * revision, and its description and newest event time move too.
 */
export interface UnleashGeneration {
  readonly changeEvery: number;
  readonly revision?: number;
}

function strategies(i: number, env: number, revision: number): Array<Record<string, unknown>> {
  const percent = ((i * 7 + env + 13 * revision) % 101).toString();
  const email = { contextName: 'email', operator: 'STR_ENDS_WITH', values: ['@example.com'], inverted: false, caseInsensitive: false };
  switch (i % 4) {
    case 0:
      return [
        {
          name: 'flexibleRollout',
          parameters: { rollout: percent, stickiness: 'default', groupId: `bench-flag-${i}` },
          constraints: [],
          segments: [],
        },
      ];
    case 1:
      // One constraint more per revision: the rollout text ("N constraints") changes with it.
      return [{ name: 'default', parameters: {}, constraints: Array.from({ length: 1 + revision }, () => email), segments: [] }];
    default:
      return revision === 0
        ? [{ name: 'default', parameters: {}, constraints: [], segments: [] }]
        : [
            {
              name: 'flexibleRollout',
              parameters: { rollout: percent, stickiness: 'userId', groupId: `bench-flag-${i}` },
              constraints: [],
              segments: [],
            },
          ];
  }
}

function feature(i: number, revision: number): StandInFeature {
  const name = `bench-flag-${i}`;
  const description = `Implements PROJ-${(i % 5000) + 1}${revision > 0 ? ` (revision ${revision})` : ''}`;
  const environments = BENCH_ENVIRONMENTS.map((env, e) => ({ name: env, enabled: (i + e) % 5 !== 0 }));
  const common = { name, project: 'default', type: i % 7 === 0 ? 'experiment' : 'release', description, stale: false };
  return {
    search: {
      ...common,
      createdAt: '2026-01-05T10:00:00.000Z',
      tags: i % 2 === 0 ? [{ type: 'team', value: 'checkout' }] : [{ type: 'jira', value: `WEB-${(i % 900) + 1}` }],
      environments,
    },
    feature: {
      ...common,
      archived: false,
      createdAt: '2026-01-05T10:00:00.000Z',
      environments: environments.map((env, e) => ({ ...env, strategies: env.enabled ? strategies(i, e, revision) : [] })),
    },
    changedAt: new Date(Date.UTC(2026, 5, 1) + i * 1000 + revision * 86_400_000).toISOString(),
  };
}

/** The whole instance: environments, one segment, `count` features. */
export function unleashData(count: number, generation: UnleashGeneration): StandInData {
  const features: StandInFeature[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const changed = generation.changeEvery > 0 && i % generation.changeEvery === 0;
    features[i] = feature(i, changed ? (generation.revision ?? 1) : 0);
  }
  return {
    environments: BENCH_ENVIRONMENTS.map((name, i) => ({ name, type: name, enabled: true, sortOrder: 100 * (i + 1) })),
    segments: [{ id: 1, name: 'beta-users' }],
    features,
    newestEventId: 1 + (generation.revision ?? 0),
  };
}
