import type { EnvironmentData } from '../../adapters/launchdarkly/test/fake-relay';

/**
 * Generated LaunchDarkly flag data as the Relay Proxy serves it (`/sdk/latest-all`: server-side flag
 * configurations per environment). Keys carry the issue key (without the REST API, the key is all the core can link
 * by): a quarter roll the default rule out by weight, a quarter have a targeting rule, a tenth a prerequisite, the
 * rest serve one variation. `changeEvery`/`revision` as for the flagd files: changed flags move their rollout and
 * version.
 */
export interface LaunchDarklyGeneration {
  readonly changeEvery: number;
  readonly revision?: number;
}

export const flagKey = (i: number) => `PROJ-${(i % 5000) + 1}-bench-flag-${i}`;

function flag(i: number, env: number, revision: number): Record<string, unknown> {
  const key = flagKey(i);
  const share = ((i * 7 + env + 13 * revision) % 101) * 1000;
  const fallthrough =
    i % 4 === 0
      ? {
          rollout: {
            variations: [
              { variation: 0, weight: share },
              { variation: 1, weight: 100_000 - share },
            ],
            contextKind: 'user',
            bucketBy: 'key',
          },
        }
      : { variation: revision > 0 ? 0 : 1 };
  const rules =
    i % 4 === 1
      ? [
          {
            id: `rule-${i}`,
            variation: 0,
            clauses: [{ attribute: 'email', op: 'endsWith', values: ['@example.com'], negate: false, contextKind: 'user' }],
            trackEvents: false,
          },
        ]
      : [];
  return {
    key,
    version: 1 + revision,
    on: (i + env) % 5 !== 0,
    salt: `salt-${i}`,
    trackEvents: false,
    trackEventsFallthrough: false,
    debugEventsUntilDate: null,
    clientSide: false,
    clientSideAvailability: { usingMobileKey: false, usingEnvironmentId: false },
    variations: [true, false],
    offVariation: 1,
    fallthrough,
    targets: [],
    contextTargets: [],
    rules,
    prerequisites: i % 10 === 9 ? [{ key: flagKey(i - 1), variation: 0 }] : [],
    deleted: false,
  };
}

/** One environment's data set. */
export function launchDarklyEnvironment(count: number, env: number, generation: LaunchDarklyGeneration): EnvironmentData {
  const flags: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) {
    const changed = generation.changeEvery > 0 && i % generation.changeEvery === 0;
    flags[flagKey(i)] = flag(i, env, changed ? (generation.revision ?? 1) : 0);
  }
  return { flags, segments: {} };
}
