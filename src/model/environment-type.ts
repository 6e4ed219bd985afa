import type { EnvironmentType } from '../kit/flag';

/**
 * Jira environment type from an environment's name when config does not say. Names are read word by word
 * (`eu-prod`, `prod_us`, `staging2`), so `preprod` is staging and `non-prod` is nothing rather than production. A
 * production environment without "prod" in its name is a known trap (github-for-jira #895): config's explicit `type`
 * always wins.
 */
const rules: ReadonlyArray<readonly [RegExp, EnvironmentType | undefined]> = [
  [/^non-?(prod|production|prd)\d*$/, undefined],
  [/^(stag|stage|staging|stg|uat|preprod|preproduction|preprd)\d*$/, 'staging'],
  [/^(prod|production|prd|live)\d*$/, 'production'],
  [/^(test|testing|tst|qa|ci)\d*$/, 'testing'],
  [/^(dev|develop|development|local|sandbox)\d*$/, 'development'],
];

export function defaultEnvironmentType(name: string): EnvironmentType | undefined {
  // "pre-prod" and "non-prod" are one word here, as they are to a reader.
  const words = name
    .toLowerCase()
    .replace(/\b(pre|non)[-_ .]+(?=pr)/g, '$1')
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
  for (const [pattern, type] of rules) if (words.some((w) => pattern.test(w))) return type;
  return undefined;
}

/** Order used to pick the "most production-like" environment for the summary. */
export const environmentRank: Readonly<Record<EnvironmentType, number>> = {
  production: 4,
  staging: 3,
  testing: 2,
  development: 1,
};
