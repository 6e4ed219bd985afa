import type { SourceAdapter } from '../kit/contract';
import type { EnvironmentType } from '../kit/flag';
import type { LinkingOptions } from '../model/issue-keys';

/** One configured provider as a run uses it, whatever kind it produces. */
export interface ProviderRuntime {
  readonly name: string;
  /** The adapter as written in config (`flipt`, `./adapters/foo`), named when its output is invalid. */
  readonly adapterName?: string;
  readonly adapter: SourceAdapter;
  readonly timeoutMs: number;
  readonly linking: LinkingOptions;
  readonly environmentTypes: ReadonlyMap<string, EnvironmentType | undefined>;
}
