import type { EnvironmentType, SkippedFlag } from '../../src/kit';

/**
 * What flagsync keeps of an Unleash feature, whichever way it was read (Admin API or client SDK). Both readers
 * produce this; map.ts turns it into a NormalizedFlag. Plain readonly data.
 */
export interface UnleashStrategyView {
  readonly name: string;
  readonly title?: string;
  readonly parameters: Readonly<Record<string, string>>;
  readonly constraints: number;
  /** Segment names (or `#<id>` when the name is unknown). */
  readonly segments: readonly string[];
  readonly variants: readonly string[];
}

/** A parent flag the feature requires: on (or off when `enabled` is false), and one of `variants` when listed. */
export interface UnleashDependencyView {
  readonly feature: string;
  readonly enabled: boolean;
  readonly variants: readonly string[];
}

export interface UnleashEnvironmentView {
  readonly name: string;
  readonly enabled: boolean;
  /** Active strategies only: strategies switched off in Unleash (`disabled: true`) are left out. */
  readonly strategies: readonly UnleashStrategyView[];
  /** Parent flags. Unleash keeps them per feature; each environment carries them because the SDK checks them there. */
  readonly dependencies?: readonly UnleashDependencyView[];
  /**
   * Admin API only: active strategies the feature document leaves out (a release plan's milestone, Unleash
   * Enterprise), known from the search row. The client API serves them with the others, so it never sets this.
   */
  readonly unlistedStrategies?: { readonly milestone?: string };
}

export interface UnleashFeatureView {
  readonly name: string;
  readonly project?: string;
  readonly description?: string;
  readonly type?: string;
  readonly stale?: boolean;
  readonly createdAt?: string;
  /** Time of the newest event about the feature (Admin API only). */
  readonly lastChangedAt?: string;
  readonly tags: readonly { readonly type: string; readonly value: string }[];
  readonly environments: readonly UnleashEnvironmentView[];
}

/** What a reader hands back: the features it could read, and those whose data it could not use. */
export interface UnleashRead {
  readonly views: readonly UnleashFeatureView[];
  readonly skipped: readonly SkippedFlag[];
  /**
   * Admin API: the instance's newest event id before and after the feature list (the read fails when they differ);
   * every change made through Unleash writes an event, so the same id later means nothing changed. Null: no events.
   */
  readonly newestEventId?: number | null;
  /** Admin API: the Jira type of each configured environment whose Unleash type maps onto one. */
  readonly environmentTypes?: ReadonlyMap<string, EnvironmentType>;
}
