import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import { describeErrors } from './decode';
import { NormalizedFlagCodec } from './flag-codecs';
import type { NormalizedFlag } from './flag';
import type { SkippedFlag } from './contract';

/**
 * What the core checks in every snapshot an adapter returns, as one readable line per problem
 * (`flags[3].environments[0].enabled: expected boolean`). Values are never printed: a flag's fields may hold
 * anything the source stored.
 */
const SkippedFlagCodec = t.type({ key: t.string, reason: t.string });
// `skipped` may be left out: t.type reads a missing key as undefined.
export const FlagSnapshotCodec = t.type(
  {
    flags: t.readonlyArray(NormalizedFlagCodec),
    skipped: t.union([t.readonlyArray(SkippedFlagCodec), t.undefined]),
    sourceFingerprint: t.union([t.string, t.undefined]),
  },
  'FlagSnapshot',
);

export interface SnapshotExpectations {
  /** The provider name from config; every flag must carry it. */
  readonly provider: string;
  /** When given, every flag environment must be one of these (the adapter's `environments`). */
  readonly environments?: readonly string[];
  /**
   * Also refuse what the core tolerates with a warning (a key twice, an empty key, an environment twice in one
   * flag). The contract kit and `flagsync adapter check` are strict; a sync run is not, so it keeps working.
   */
  readonly strict?: boolean;
}

/** At most this many lines are kept: a systematically broken adapter would otherwise print one per flag. */
const MAX_PROBLEMS = 20;

function contentProblems(flags: readonly NormalizedFlag[], expect: SnapshotExpectations): string[] {
  const problems: string[] = [];
  const firstIndex = new Map<string, number>();
  const known = expect.environments === undefined ? undefined : new Set(expect.environments);
  flags.forEach((flag, i) => {
    if (flag.provider !== expect.provider)
      problems.push(`flags[${i}].provider: expected "${expect.provider}" (the provider's name from config)`);
    if (expect.strict !== true) return;
    if (flag.key.trim() === '') problems.push(`flags[${i}].key: expected a non-empty key`);
    const seen = firstIndex.get(flag.key);
    if (seen !== undefined)
      problems.push(`flags[${i}].key: "${flag.key}" already appears at flags[${seen}] (one entry per flag, environments inside it)`);
    else firstIndex.set(flag.key, i);
    const names = new Set<string>();
    flag.environments.forEach((env, k) => {
      if (known !== undefined && !known.has(env.name)) {
        problems.push(
          `flags[${i}].environments[${k}].name: "${env.name}" is not one of the adapter's environments (${[...known].join(', ')})`,
        );
      }
      if (names.has(env.name)) problems.push(`flags[${i}].environments[${k}].name: "${env.name}" appears twice in flag "${flag.key}"`);
      names.add(env.name);
    });
  });
  return problems;
}

/** A snapshot the core can use: the decoded value, `skipped` always present. */
export interface CheckedSnapshot {
  readonly flags: readonly NormalizedFlag[];
  readonly skipped: readonly SkippedFlag[];
  /** The adapter's fingerprint of its raw source, when it gives one (contract.ts). */
  readonly sourceFingerprint?: string;
  /** The source is as the last fully accepted run read it: `flags` is empty and stands for what Jira holds. */
  readonly unchanged?: true;
}

function check(value: unknown, expect: SnapshotExpectations): { problems: string[]; snapshot?: CheckedSnapshot } {
  // The codecs only check (none transforms), so a value that passes `is` is what decoding would return; decoding,
  // which allocates a result per field of every flag, only runs to name the problems. (`is` wants the optional keys
  // present, as undefined at least, where decoding reads a missing key as undefined.)
  let snapshot: t.TypeOf<typeof FlagSnapshotCodec>;
  const withOptionalKeys =
    typeof value === 'object' && value !== null ? { skipped: undefined, sourceFingerprint: undefined, ...value } : value;
  if (FlagSnapshotCodec.is(withOptionalKeys)) snapshot = withOptionalKeys;
  else {
    const decoded = FlagSnapshotCodec.decode(value);
    if (isLeft(decoded)) return { problems: capped(describeErrors(decoded.left)) };
    snapshot = decoded.right;
  }
  const { flags, skipped, sourceFingerprint } = snapshot;
  const problems = capped(contentProblems(flags, expect));
  if (problems.length > 0) return { problems };
  return { problems, snapshot: { flags, skipped: skipped ?? [], ...(sourceFingerprint !== undefined && { sourceFingerprint }) } };
}

function capped(problems: string[]): string[] {
  return problems.length > MAX_PROBLEMS ? [...problems.slice(0, MAX_PROBLEMS), `… and ${problems.length - MAX_PROBLEMS} more`] : problems;
}

/** Every problem with a snapshot, or an empty list when the core can use it. */
export function snapshotProblems(value: unknown, expect: SnapshotExpectations): string[] {
  return check(value, expect).problems;
}

/** An adapter returned something the core cannot trust; names the provider, the adapter and each field. */
export class InvalidSnapshotError extends Error {
  constructor(
    readonly provider: string,
    readonly adapter: string | undefined,
    readonly problems: readonly string[],
  ) {
    const who = adapter === undefined ? `provider "${provider}"` : `provider "${provider}" (adapter ${adapter})`;
    super(`${who}: invalid snapshot: ${problems.join('; ')}`);
    this.name = 'InvalidSnapshotError';
  }
}

/** The decoded snapshot, or InvalidSnapshotError listing every problem. */
export function validateSnapshot(value: unknown, expect: SnapshotExpectations & { readonly adapter?: string }): CheckedSnapshot {
  const { problems, snapshot } = check(value, expect);
  if (snapshot === undefined) throw new InvalidSnapshotError(expect.provider, expect.adapter, problems);
  return snapshot;
}
