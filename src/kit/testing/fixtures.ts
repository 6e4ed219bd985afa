import type { EnvironmentType } from '../flag';
import type { LinkingOptions } from '../../model/issue-keys';

/** What `runAdapterContract` needs to exercise an adapter against a source it controls. */
export interface ContractSource {
  /**
   * The provider's config entry as a user would write it, minus `name` and `adapter` (the kit fills those in):
   * the adapter's own options and `environments`. It goes through the factory's optionsCodec like real config.
   */
  readonly entry: Readonly<Record<string, unknown>>;
  /** Makes every later read fail the way the real system fails when it is down (HTTP 500, refused connection…). */
  fail(): void | Promise<void>;
  /** Optional: later reads fail part-way (a later page, one environment), to catch partial lists. */
  failPartly?(): void | Promise<void>;
  /** Optional: later reads hang (never answer), to check that snapshot() honours its AbortSignal. */
  hang?(): void | Promise<void>;
  /**
   * Optional: later reads serve one flag with malformed data (a field of the wrong type, as the system's API could
   * plausibly send it); resolves with that flag's key. The snapshot must still resolve, list the flag in `skipped`
   * and keep every other fixture flag: a flag silently left out would be deleted in Jira.
   */
  corruptOne?(): { key: string } | Promise<{ key: string }>;
  /**
   * Optional, for an adapter that can `watch`: changes the source the way a user would (one flag switched), and
   * resolves once the change is in place. The kit checks that a watch announces it, and stops announcing at abort.
   */
  change?(): void | Promise<void>;
  /** Stops whatever start() started. */
  close(): Promise<void>;
}

export interface AdapterContractFixtures {
  /** Starts a fresh source holding the fixture flags (a local HTTP server, temp files, …); called once per test. */
  start(): Promise<ContractSource>;
  /** Every flag key the source holds: a snapshot must hold exactly these. */
  readonly flagKeys: readonly string[];
  /**
   * Jira issue keys the core must find, per flag key, through its linking (explicit `issueKeys`, tags, key, name,
   * description). Flags not listed are not checked; list at least one linked flag, and one unlinked with [].
   */
  readonly issueKeys: Readonly<Record<string, readonly string[]>>;
  /** The Jira environment type expected per environment name after the core's mapping (config `type` or default). */
  readonly environments: Readonly<Record<string, EnvironmentType>>;
  /** Values that must never appear in the adapter's errors (tokens, SDK keys). */
  readonly secrets?: readonly string[];
  /** How long a snapshot of the fixture source may take, and how soon an aborted one must settle (default 5000 ms). */
  readonly timeoutMs?: number;
  /** Provider name put in the config entry (default "contract-test"). */
  readonly providerName?: string;
  /** Folder relative paths in options resolve against (default: the process's cwd). */
  readonly configDir?: string;
  /** For an adapter that can `watch`: the poll interval handed to it (default 100 ms). */
  readonly watchPollMs?: number;
  /** For an adapter that can `watch`: how long the source stays unchanged while no announcement may come (default 1000 ms). */
  readonly watchQuietMs?: number;
  /** The provider's linking settings (default: the core's defaults). */
  readonly linking?: LinkingOptions;
}
