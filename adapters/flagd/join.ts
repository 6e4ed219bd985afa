import type { FlagEnvironment, NormalizedFlag, SkippedFlag } from '../../src/kit';
import type { FlagdMetadata } from './codecs';
import { FlagdFileError } from './errors';
import {
  environmentLink,
  gatherMetadata,
  GatheredMetadata,
  mapFlagEnvironment,
  type EnvironmentDefinitions,
  type FlagdMapSettings,
} from './map';

/** Flags of a whole snapshot, and the flags skipped in any environment (each listed once). */
export interface MappedFlags {
  readonly flags: NormalizedFlag[];
  readonly skipped: SkippedFlag[];
}

/** One flag while its environments are added. */
class JoiningFlag extends GatheredMetadata {
  lastUpdated: string | undefined = undefined;
  lastMs = Number.NaN;
  /** Sized for every environment up front (a list grown by push gets spare room), cut to `count` at the end. */
  readonly environments: FlagEnvironment[];
  count = 0;

  constructor(
    readonly key: string,
    environmentCount: number,
  ) {
    super();
    this.environments = new Array<FlagEnvironment>(environmentCount);
  }
}

const NO_METADATA: FlagdMetadata = {};

/**
 * Joins environments by flag key, as each environment's file is mapped (environments in the order added), so a
 * file's parsed document can go before the next is read: no per-environment copy of the flags is kept. Name,
 * description and url come from the first environment that has them; tags and issue keys are the union over
 * environments; lastUpdated is the latest (the first of equal ones). A flag skipped in any environment is skipped
 * as a whole: half a flag would tell Jira the other environments no longer exist.
 */
export class FlagJoin {
  private readonly joining = new Map<string, JoiningFlag>();
  /** Why each skipped flag was skipped, one reason per environment that refused it. */
  private readonly skipReasons = new Map<string, string[]>();
  /**
   * The flags of the environment added last, in its file's order: files usually list flags in the same order, so
   * the flag at the same place is tried before the lookup by key.
   */
  private previousOrder: (JoiningFlag | undefined)[] = [];

  /** `environmentCount`: how many times `add` will be called. */
  constructor(
    private readonly settings: FlagdMapSettings,
    private readonly environmentCount: number,
  ) {}

  /**
   * Every flag of one environment's file. A flag the mapping rejects (FlagdFileError, e.g. a fractional bucket
   * naming no variant) is skipped rather than failing the file: the core keeps it in Jira as it was. Returns how
   * many flags the file defines.
   */
  add(defs: EnvironmentDefinitions): number {
    const where = `environment "${defs.environment}": ${defs.sourceLabel === undefined ? '' : `${defs.sourceLabel}: `}`;
    const fileMetadata = defs.file.metadata;
    const linkOf = environmentLink(defs, this.settings);
    // Every flag of the file has the file's time.
    const time = defs.lastUpdated;
    const ms = Date.parse(time);
    const flags = defs.file.flags;
    const keys = defs.listed?.keys ?? Object.keys(flags);
    const definitions = defs.listed?.definitions;
    const previous = this.previousOrder;
    const order = new Array<JoiningFlag | undefined>(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const flag = definitions === undefined ? flags[key]! : definitions[i]!;
      let environment: FlagEnvironment;
      try {
        environment = mapFlagEnvironment(key, flag, defs, this.settings, linkOf);
      } catch (err) {
        if (!(err instanceof FlagdFileError)) throw err;
        const reasons = this.skipReasons.get(key);
        const reason = `${where}${err.message}`;
        if (reasons === undefined) this.skipReasons.set(key, [reason]);
        else reasons.push(reason);
        continue;
      }
      if (this.skipReasons.has(key)) continue;
      const guess = previous[i];
      let joining = guess !== undefined && guess.key === key ? guess : this.joining.get(key);
      if (joining === undefined) {
        joining = new JoiningFlag(key, this.environmentCount);
        this.joining.set(key, joining);
      }
      order[i] = joining;
      gatherMetadata(joining, flag.metadata ?? NO_METADATA, fileMetadata);
      joining.environments[joining.count++] = environment;
      if (time !== joining.lastUpdated && (joining.lastUpdated === undefined || ms > joining.lastMs)) {
        joining.lastUpdated = time;
        joining.lastMs = ms;
      }
    }
    this.previousOrder = order;
    return keys.length;
  }

  /** The joined flags (in the order their keys first appeared) and the skipped ones (the reasons joined). */
  result(): MappedFlags {
    const { provider } = this.settings;
    const flags: NormalizedFlag[] = [];
    for (const j of this.joining.values()) {
      const key = j.key;
      if (this.skipReasons.has(key)) continue;
      const environments = j.environments;
      if (j.count < environments.length) environments.length = j.count;
      const { name, description, tags, lastUpdated, issueKeys } = j;
      const url = j.url ?? environments[0]!.url;
      // Keys in the order they always had, the optional ones only when set; the usual shapes written out whole, as in
      // mapFlagEnvironment.
      if (name !== undefined && url !== undefined && lastUpdated !== undefined) {
        flags.push(
          description === undefined
            ? { provider, key, name, tags, url, lastUpdated, issueKeys, environments }
            : { provider, key, name, description, tags, url, lastUpdated, issueKeys, environments },
        );
        continue;
      }
      flags.push({
        provider,
        key,
        ...(name !== undefined && { name }),
        ...(description !== undefined && { description }),
        tags,
        ...(url !== undefined && { url }),
        ...(lastUpdated !== undefined && { lastUpdated }),
        issueKeys,
        environments,
      });
    }
    const skipped = [...this.skipReasons].map(([key, reasons]) => ({ key, reason: reasons.join('; ') }));
    return { flags, skipped };
  }
}

/** All environments at once. */
export function mapFlagdDefinitions(definitions: readonly EnvironmentDefinitions[], settings: FlagdMapSettings): MappedFlags {
  const join = new FlagJoin(settings, definitions.length);
  for (const defs of definitions) join.add(defs);
  return join.result();
}
