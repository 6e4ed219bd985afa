import type { ProviderSource } from '../kit/contract';
import type { EnvironmentType } from '../kit/flag';
import type { LinkingOptions } from '../model/issue-keys';

/** One configured provider as a run uses it, whatever kind it produces. */
export interface ProviderRuntime {
  readonly name: string;
  /** The adapter as written in config (`flipt`, `./adapters/foo`), named when its output is invalid. */
  readonly adapterName?: string;
  /** What the adapter created, typed by what it produces; each kind reads only its own. */
  readonly source: ProviderSource;
  readonly timeoutMs: number;
  readonly linking: LinkingOptions;
  readonly environmentTypes: ReadonlyMap<string, EnvironmentType | undefined>;
}
