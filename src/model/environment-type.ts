import type { EnvironmentType } from './flag';

/**
 * Jira environment type from an environment's name when config does not say. A production environment without
 * "prod" in its name is a known trap (github-for-jira #895): config's explicit `type` always wins.
 */
const byName: ReadonlyArray<readonly [RegExp, EnvironmentType]> = [
  [/^(prod|production|prd|live)([-_.]|$)|prod/i, 'production'],
  [/^(stag|staging|stg|preprod|pre-prod|uat)|stag/i, 'staging'],
  [/^(test|testing|qa|tst|ci)([-_.]|\d|$)/i, 'testing'],
  [/^(dev|development|local|sandbox)/i, 'development'],
];

export function defaultEnvironmentType(name: string): EnvironmentType | undefined {
  for (const [pattern, type] of byName) if (pattern.test(name)) return type;
  return undefined;
}

/** Order used to pick the "most production-like" environment for the summary. */
export const environmentRank: Readonly<Record<EnvironmentType, number>> = {
  production: 4,
  staging: 3,
  testing: 2,
  development: 1,
};
