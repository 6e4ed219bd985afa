/** One step of a benchmark sequence: change the source (or not), then one `flagsync run --once`. */
export interface Scenario {
  readonly name: string;
  /** Brings the source to this scenario's state before the run. */
  prepare(): Promise<void>;
  /** Creates + updates + deletes the run must report (the bench fails otherwise). */
  readonly writes: number;
  /** Measure the minimum-work reference on the source as prepared for this scenario, before its run. */
  readonly referenceBefore?: boolean;
}

/** An adapter's benchmark: its config file, its scenarios in order (sharing one state file), its reference. */
export interface ScenarioSet {
  readonly config: string;
  readonly scenarios: readonly Scenario[];
  /** Arguments of `node` for the minimum-work reference on this source. */
  readonly reference?: readonly string[];
}
