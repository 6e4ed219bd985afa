import type { FlagEnvironment, NormalizedFlag, SkippedFlag } from '../../src/kit';
import type { LdFlag, RestFlag } from './codecs';
import { flagUrl, issueKeysOf, normalizeFlagEnvironment, tagsOf, type EnvironmentFlags, type MapSettings } from './map';

/** Name, description and tags as a flag's own data gives them (the SDK data rarely does). */
type OwnFields = Pick<LdFlag, 'name' | 'description' | 'tags'>;

const NO_OWN_FIELDS: OwnFields = {};

/** What the join keeps of one flag until every environment is in: its details, never the SDK data. */
interface JoinedFlag {
  /** From the first environment (by position) listing the flag. */
  own: OwnFields;
  ownFrom: number;
  /** Details by environment position; holes where an environment does not list the flag. */
  readonly environments: FlagEnvironment[];
  details: number;
  /** Why the mapping failed, from the first environment (by position) where it did. */
  failure?: { readonly message: string; readonly from: number };
}

function ownFieldsOf(flag: LdFlag): OwnFields {
  return flag.name == null && flag.description == null && flag.tags == null
    ? NO_OWN_FIELDS
    : { name: flag.name, description: flag.description, tags: flag.tags };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The values of a sparse array, in position order. */
const present = <T>(values: readonly T[]): T[] => values.filter(() => true);

/**
 * Why a flag lacks the REST metadata that was read (undefined: it has it, or none was read). Mapped without it, a flag
 * whose only issue link came from it would look unlinked and be deleted in Jira; skipped, Jira keeps it as it was.
 */
function missingMetadata(
  key: string,
  metadata: ReadonlyMap<string, RestFlag> | undefined,
  unusable: ReadonlyMap<string, string> | undefined,
): string | undefined {
  if (metadata === undefined || metadata.has(key)) return undefined;
  const reason = unusable?.get(key);
  return reason === undefined ? 'no REST metadata for this flag' : `REST API metadata unusable: ${reason}`;
}

/**
 * All environments' flags → one NormalizedFlag per flag key (sorted by key), one environment at a time: each is
 * mapped to its details as it is added, so its SDK data can go before the next environment is read. Environments
 * may come in any order; their position (in the config) orders each flag's details, as if all came at once.
 * Deleted flags are left out; a flag missing from an environment simply has no detail for it. REST metadata, when
 * given, supplies name, description, tags, maintainer, change times and issue keys from the configured custom
 * property. A flag unreadable in any environment, lacking its REST item (`unusableMetadata` says why, if it failed its
 * codec), or one the mapping fails on, is listed in `skipped` once instead: a partial flag would send wrong data.
 */
export class FlagJoin {
  private readonly joined = new Map<string, JoinedFlag>();
  /** Per flag key, why it could not be read, by environment position. */
  private readonly unreadable = new Map<string, string[]>();

  constructor(
    private readonly settings: MapSettings,
    private readonly metadata?: ReadonlyMap<string, RestFlag>,
    private readonly unusableMetadata?: ReadonlyMap<string, string>,
  ) {}

  add(position: number, env: EnvironmentFlags): void {
    for (const { key, reason } of env.skipped ?? []) {
      const reasons = this.unreadable.get(key) ?? [];
      reasons[position] = `environment "${env.name}": ${reason}`;
      this.unreadable.set(key, reasons);
    }
    const unmet = unmetPrerequisites(env.flags, env.skipped ?? []);
    for (const flag of env.flags) {
      if (flag.deleted === true) continue;
      let entry = this.joined.get(flag.key);
      if (entry === undefined) {
        entry = { own: ownFieldsOf(flag), ownFrom: position, environments: [], details: 0 };
        this.joined.set(flag.key, entry);
      } else if (position < entry.ownFrom) {
        entry.own = ownFieldsOf(flag);
        entry.ownFrom = position;
      }
      try {
        entry.environments[position] = normalizeFlagEnvironment(flag, env, this.settings, this.metadata?.get(flag.key), unmet(flag));
        entry.details++;
      } catch (error) {
        if (entry.failure === undefined || position < entry.failure.from) entry.failure = { message: messageOf(error), from: position };
      }
    }
  }

  finish(): { flags: NormalizedFlag[]; skipped: SkippedFlag[] } {
    const skipped: SkippedFlag[] = [...this.unreadable].map(([key, reasons]) => ({ key, reason: present(reasons).join('; ') }));
    const flags: NormalizedFlag[] = [];
    for (const key of [...this.joined.keys()].sort()) {
      if (this.unreadable.has(key)) continue;
      const entry = this.joined.get(key)!;
      const noMetadata = missingMetadata(key, this.metadata, this.unusableMetadata);
      if (noMetadata !== undefined) {
        skipped.push({ key, reason: noMetadata });
      } else if (entry.failure !== undefined) {
        skipped.push({ key, reason: `could not be mapped: ${entry.failure.message}` });
      } else {
        try {
          flags.push(this.flagOf(key, entry));
        } catch (error) {
          skipped.push({ key, reason: `could not be mapped: ${messageOf(error)}` });
        }
      }
    }
    skipped.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { flags, skipped };
  }

  private flagOf(key: string, entry: JoinedFlag): NormalizedFlag {
    const { settings } = this;
    const meta = this.metadata?.get(key);
    const environments = entry.details === entry.environments.length ? entry.environments : present(entry.environments);
    const name = meta?.name ?? entry.own.name ?? undefined;
    const description = meta?.description ?? entry.own.description ?? undefined;
    let lastUpdated: string | undefined;
    for (const { lastUpdated: time } of environments)
      if (time !== undefined && (lastUpdated === undefined || time > lastUpdated)) lastUpdated = time;
    return {
      provider: settings.provider,
      key,
      ...(name ? { name } : {}),
      ...(description ? { description } : {}),
      tags: tagsOf(entry.own, meta),
      url: flagUrl(key, settings),
      ...(lastUpdated !== undefined ? { lastUpdated } : {}),
      issueKeys: issueKeysOf(meta, settings),
      environments,
    };
  }
}

/** One of the flag's variations: serving anything else is an error, which the SDK hands on instead of an off value. */
function isVariation(flag: LdFlag, index: number): boolean {
  return Number.isInteger(index) && index >= 0 && index < (flag.variations?.length ?? 0);
}

/**
 * Whether serving `index` may meet a prerequisite on `variation`: it is that variation, or it is none of the flag's
 * (the SDK then reports an error for the whole evaluation rather than serving the child's off variation).
 */
function mayMeet(flag: LdFlag, index: number, variation: number): boolean {
  return index === variation || !isVariation(flag, index);
}

/**
 * Whether the default rule of a flag that is on may serve `variation` to some context. A fixed variation serves only
 * itself; a rollout serves each variation with a weight above 0, and the last listed one to contexts bucketed past the
 * summed weights (as the SDK's bucketing does). Anything else (no default rule, a null variation) is not certain.
 */
function mayFallThroughTo(flag: LdFlag, variation: number): boolean {
  const served = flag.fallthrough;
  if (typeof served?.variation === 'number') return mayMeet(flag, served.variation, variation);
  const weighted = served?.variation === undefined ? served?.rollout?.variations : undefined;
  if (weighted === undefined || weighted === null || weighted.length === 0) return true;
  return weighted.some((w, i) => (w.weight > 0 || i === weighted.length - 1) && mayMeet(flag, w.variation, variation));
}

type PrerequisiteState = 'never' | 'may' | 'cycle';

/**
 * For a flag of one environment, the first prerequisite that cannot be met there, whoever evaluates. LaunchDarkly
 * meets a prerequisite when the prerequisite flag is on and serves the required variation to the context, so it is
 * never met when that flag is off, deleted or absent, or is on but serves the required variation to no one: no
 * individual targets, no rules, and a default rule that is another fixed variation or a rollout giving it no weight
 * (a flag whose own prerequisite is never met serves its off variation to everyone, which meets only a prerequisite on
 * exactly that variation). The SDK then serves the off variation to everyone, exactly as if the flag were off. A
 * prerequisite whose flag may serve the variation to some contexts may be met: its rollout text says "requires …".
 * So may one whose flag has prerequisites of its own that may be met (they may also fail, or end the evaluation in an
 * error the SDK hands on). A flag listed but unreadable (`unreadable`) may serve anything. A cycle is taken as unmet.
 */
function unmetPrerequisites(flags: readonly LdFlag[], unreadable: readonly SkippedFlag[]): (flag: LdFlag) => string | undefined {
  if (!flags.some((f) => (f.prerequisites?.length ?? 0) > 0)) return () => undefined;
  const byKey = new Map<string, LdFlag>();
  for (const f of flags) if (f.deleted !== true) byKey.set(f.key, f);
  // Listed but unreadable: its state is unknown, so what depends on it is not called off.
  const unknown = new Set(unreadable.map(({ key }) => key));
  /**
   * By variation, then prerequisite flag key: whether the prerequisite is never met ('never'), may be met for some
   * context or may end the evaluation in an error ('may'), or sits on a cycle ('cycle': the SDK's evaluation fails as
   * malformed; LaunchDarkly refuses to save one, and it is taken as unmet, as before).
   */
  const known = new Map<number, Map<string, PrerequisiteState>>();
  const stateOf = (key: string, variation: number, path: ReadonlySet<string>): PrerequisiteState => {
    if (unknown.has(key)) return 'may';
    if (path.has(key)) return 'cycle';
    let byVariation = known.get(variation);
    const memo = byVariation?.get(key);
    if (memo !== undefined) return memo;
    const f = byKey.get(key);
    let result: PrerequisiteState;
    if (f === undefined || f.on !== true) {
      result = 'never';
    } else {
      const own = f.prerequisites ?? [];
      const inner = own.length > 0 ? new Set([...path, key]) : path;
      const states = own.map((p) => stateOf(p.key, p.variation, inner));
      const off = f.offVariation;
      const mayServeOff = typeof off === 'number' && mayMeet(f, off, variation);
      if (states.includes('cycle')) result = 'cycle';
      // Its own prerequisite never met: the flag, still on, serves its off variation to everyone.
      else if (states.includes('never')) result = mayServeOff ? 'may' : 'never';
      // One that may be met may also fail (the off variation) or end in an error, which the SDK hands on to the
      // child instead of its off variation: not certain either way.
      else if (own.length > 0) result = 'may';
      else {
        const mayServe =
          (f.targets?.length ?? 0) > 0 ||
          (f.contextTargets?.length ?? 0) > 0 ||
          (f.rules?.length ?? 0) > 0 ||
          mayFallThroughTo(f, variation);
        result = mayServe ? 'may' : 'never';
      }
    }
    if (byVariation === undefined) known.set(variation, (byVariation = new Map()));
    byVariation.set(key, result);
    return result;
  };
  return (flag) => (flag.prerequisites ?? []).find((p) => stateOf(p.key, p.variation, new Set([flag.key])) !== 'may')?.key;
}

/** Every environment at once, in position order (see FlagJoin). */
export function normalizeLaunchDarklyFlags(
  environments: readonly EnvironmentFlags[],
  metadata: ReadonlyMap<string, RestFlag> | undefined,
  settings: MapSettings,
  unusableMetadata?: ReadonlyMap<string, string>,
): { flags: NormalizedFlag[]; skipped: SkippedFlag[] } {
  const join = new FlagJoin(settings, metadata, unusableMetadata);
  environments.forEach((env, position) => join.add(position, env));
  return join.finish();
}
