import type { LdFlag, LdVariationOrRollout } from './codecs';

/**
 * Where a flag names a variation it does not have: its off variation, a target's, a rule's or the default rule's
 * (fixed or in a rollout). The SDK answers every evaluation that reaches one with an error (the application's default
 * is served, not the flag's), so such a flag is malformed data: skipped, each place named, rather than shown in Jira
 * as serving a value it never serves. LaunchDarkly itself never saves one. Targets and rules count only while the
 * flag is on (the SDK reads them only then); the off variation always (it is also what a failed prerequisite serves).
 * A prerequisite's variation is the prerequisite flag's, and is left to its check there.
 */
export function variationProblems(flag: LdFlag): string[] {
  const count = flag.variations?.length ?? 0;
  const problems: string[] = [];
  const check = (index: number | null | undefined, at: string) => {
    if (typeof index === 'number' && !(Number.isInteger(index) && index >= 0 && index < count))
      problems.push(`${at}: ${index} is not one of the flag's ${count} variation${count === 1 ? '' : 's'}`);
  };
  const served = (value: LdVariationOrRollout | null | undefined, at: string) => {
    check(value?.variation, `${at}.variation`);
    // The SDK reads a rollout only when no fixed variation is given.
    if (typeof value?.variation !== 'number')
      value?.rollout?.variations.forEach((weighted, i) => check(weighted.variation, `${at}.rollout.variations[${i}].variation`));
  };
  check(flag.offVariation, 'offVariation');
  if (flag.on !== true) return problems;
  flag.targets?.forEach((target, i) => check(target.variation, `targets[${i}].variation`));
  flag.contextTargets?.forEach((target, i) => check(target.variation, `contextTargets[${i}].variation`));
  flag.rules?.forEach((rule, i) => served(rule, `rules[${i}]`));
  served(flag.fallthrough, 'fallthrough');
  return problems;
}
