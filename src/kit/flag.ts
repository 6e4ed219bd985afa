/**
 * The provider-neutral feature flag. Adapters produce only this; the core alone knows Jira's shapes.
 * Plain readonly data so snapshots can be hashed and diffed without copying.
 */
export type EnvironmentType = 'production' | 'staging' | 'testing' | 'development';

export interface Rollout {
  /** Set when one percentage describes the rollout (0-100). */
  readonly percentage?: number;
  /** Count of active targeting rules when no single percentage describes it. */
  readonly rules?: number;
  /** Short human text, e.g. "25% of users; 2 rules; 3 targeted users". */
  readonly text?: string;
}

export interface FlagEnvironment {
  /** The environment's name in the provider (mapped to a Jira environment type by the core). */
  readonly name: string;
  readonly enabled: boolean;
  /** Value served while disabled, or the default served value, as text. */
  readonly defaultValue?: string;
  readonly rollout?: Rollout;
  /** Link to this flag in this environment in the provider's UI. */
  readonly url?: string;
  /** ISO-8601 time of the last change in this environment, when the provider knows it. */
  readonly lastUpdated?: string;
  /**
   * The environment's type as the provider itself records it (Unleash does), when it maps onto Jira's. The config's
   * `type` for the environment wins; without either, the core guesses from the name (`prod` → production).
   */
  readonly type?: EnvironmentType;
}

export interface NormalizedFlag {
  /** The provider name from config (not the adapter name). Set by the adapter from its context. */
  readonly provider: string;
  readonly key: string;
  readonly name?: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly url?: string;
  readonly lastUpdated?: string;
  /** Issue keys the adapter knows from a dedicated field; the core adds keys found in tags, key, name, description. */
  readonly issueKeys: readonly string[];
  readonly environments: readonly FlagEnvironment[];
}
