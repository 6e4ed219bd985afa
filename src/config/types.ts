import type { EnvironmentConfig } from '../kit/contract';
import type { AnyAdapterFactory } from '../kit/contract-v1';
import type { LogLevel } from '../log';

/** flagsync's configuration after loading: secrets resolved, defaults filled, paths absolute, adapters looked up. */
export interface JiraConfig {
  readonly site?: string;
  readonly cloudId?: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly tokenUrl: string;
  readonly apiBaseUrl: string;
  readonly concurrency: number;
  readonly maxAttempts: number;
  readonly requestTimeoutSeconds: number;
  readonly maxConsecutiveFailures: number;
  readonly properties?: Readonly<Record<string, string>>;
}

export interface LinkingConfig {
  readonly tags: boolean;
  readonly key: boolean;
  readonly name: boolean;
  readonly description: boolean;
  /** When set, only tags of these types ("type:value") count. */
  readonly tagTypes?: readonly string[];
  /** Also accept a lower-case key at the start of the flag key. */
  readonly ignoreCase?: boolean;
}

export interface ProviderConfig {
  readonly name: string;
  readonly adapter: string;
  readonly timeoutSeconds?: number;
  readonly linking: LinkingConfig;
  /** As written (secrets resolved), including adapter-specific keys. */
  readonly environments: readonly EnvironmentConfig[];
  readonly factory: AnyAdapterFactory;
  /** The provider entry decoded by `factory.optionsCodec`; pass it to `factory.create`. */
  readonly options: unknown;
}

/**
 * Where state, the run log and the writer lock live. `path` is absolute; with the postgres store it still places the
 * spool folder by default.
 */
export type StateConfig =
  { readonly store: 'file'; readonly path: string } | { readonly store: 'postgres'; readonly path: string; readonly url: string };

export interface FlagsyncConfig {
  /** Absolute path of the config file, and its folder (relative paths in the file resolve against it). */
  readonly path: string;
  readonly dir: string;
  readonly jira: JiraConfig;
  readonly schedule: string;
  /** The daemon also syncs a provider alone after its source changes (watch mode). */
  readonly watch: boolean;
  readonly state: StateConfig;
  /** Absolute folder of spooled builds and deployments. */
  readonly spool: { readonly path: string };
  readonly sync: {
    readonly massDeleteThreshold: number;
    readonly massDeleteMinimum: number;
    readonly providerTimeoutSeconds: number;
    readonly runTimeoutSeconds: number;
    readonly watchDebounceMs: number;
    readonly watchPollSeconds: number;
  };
  readonly log: { readonly level: LogLevel };
  /** The daemon's metrics server; off when `port` is not set. */
  readonly metrics: { readonly host: string; readonly port?: number; readonly readyPeriods: number };
  readonly providers: readonly ProviderConfig[];
  /** Usable but unwise (a secret written in the file): printed, not fatal. */
  readonly warnings?: readonly string[];
}

/** The config cannot be used. `problems` holds one readable line per problem (`path: what is wrong`), never a secret. */
export class ConfigError extends Error {
  /** Each problem as printed: `file:line:column: problem` where the file says where, else the problem alone. */
  readonly lines: readonly string[];

  constructor(
    readonly file: string,
    readonly problems: readonly string[],
    positions: readonly ({ readonly line: number; readonly col: number } | undefined)[] = [],
  ) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    const lines = problems.map((p, i) => {
      const at = positions[i];
      return at === undefined ? p : `${file}:${at.line}:${at.col}: ${p}`;
    });
    super(`${file}: ${count}:\n${lines.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.lines = lines;
  }
}

/** Looks adapters up by the name used in config (`adapter: flagd`); the host's registry implements it. */
export interface AdapterRegistry {
  get(name: string): AnyAdapterFactory | undefined;
  names(): readonly string[];
}
