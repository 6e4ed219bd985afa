/** One step of a benchmark sequence: change the source (or not), then one `flagsync run --once`. */
export interface Scenario {
  readonly name: string;
  /** Brings the source to this scenario's state before the run. */
  prepare(): Promise<void>;
  /** Creates + updates + deletes the run must report (the bench fails otherwise). */
  readonly writes: number;
  /** Measure the minimum-work reference on the source as prepared for this scenario, before its run. */
  readonly referenceBefore?: boolean;
  /** Fewest Jira requests for this scenario's writes, when the set's `lowerBound` cannot tell from their number. */
  readonly lowerBound?: number;
}

/** An adapter's benchmark: its config file, its scenarios in order (sharing one state file), its reference. */
export interface ScenarioSet {
  readonly config: string;
  readonly scenarios: readonly Scenario[];
  /** Arguments of `node` for the minimum-work reference on this source. */
  readonly reference?: readonly string[];
  /** What the rows count: flags (default) or commits. */
  readonly unit?: string;
  /** Fewest Jira requests that carry `writes` (token included); default one token + one request per 100 flags. */
  lowerBound?(writes: number): number;
  /** Requests the source's server received since the last call (for sources served over HTTP by the bench). */
  takeSourceRequests?(): number;
  /** Stops the source's server. */
  close?(): Promise<void>;
}

/** Jira's feature flag API: 100 flags a request, one token request before the first. */
export const flagLowerBound = (writes: number): number => (writes === 0 ? 0 : 1 + Math.ceil(writes / 100));
