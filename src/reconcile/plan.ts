import type { KindName } from '../jira/types';
import type { DesiredEntity, ProviderDesired } from './desired';
import { changedFieldNames, fieldHashesOf, type FieldHashes } from './field-hashes';
import { recordsOf, type SyncState } from './state';

export interface PlannedWrite<P> {
  readonly entity: DesiredEntity<P>;
  readonly action: 'create' | 'update';
  /** For updates: names of the fields that differ from what Jira last accepted (when known). */
  readonly changedFields: readonly string[];
  /** Per-field fingerprints for state; computed here for updates (to name changed fields), on acceptance for creates. */
  readonly fieldHashes?: FieldHashes;
  /** Sequence id Jira last accepted (0 when none is known). */
  readonly previousSequence: number;
}

export interface ProviderPlan<P> {
  readonly provider: string;
  readonly ok: boolean;
  readonly error?: string;
  readonly seen: number;
  readonly unlinked: number;
  /** Ids of the flags that had no issue key (not sent; deleted in Jira if it held them). */
  readonly unlinkedIds: readonly string[];
  /** The provider is no longer in the config: its deletes are everything Jira holds from it. */
  readonly removedFromConfig?: boolean;
  readonly warnings: readonly string[];
  readonly writes: readonly PlannedWrite<P>[];
  readonly deletes: readonly string[];
  /** History (devinfo commits) that left the source: dropped from state, left in Jira. */
  readonly forget: readonly string[];
  /** Deletes held back by the mass-delete guard. */
  readonly refusedDeletes: readonly string[];
  readonly unchanged: number;
  /** Unchanged entities whose source fingerprint moved (e.g. only a timestamp): state takes the new one, Jira nothing. */
  readonly refresh: ReadonlyArray<readonly [id: string, inputHash: string]>;
  /** Entities of this provider Jira holds according to state (the guard's base). */
  readonly known: number;
}

export interface Plan<P> {
  readonly kind: KindName;
  readonly providers: readonly ProviderPlan<P>[];
}

export interface PlanOptions {
  /** Share 0..1 of one provider's known entities that may be deleted in one run. */
  readonly massDeleteThreshold: number;
  /** Deletes up to this many of one provider's entities in one run are never held back (default 0). */
  readonly massDeleteMinimum?: number;
  readonly allowMassDelete: boolean;
  /**
   * Only some providers were read (`--provider`): entities of providers not in `desired` are left alone instead of
   * being treated as those of providers removed from the config.
   */
  readonly scoped?: boolean;
  /**
   * Ids that are history (devinfo commits): never deleted in Jira, so the guard's share leaves them out (counting
   * them would let every branch vanish under the threshold), and one that vanished is forgotten instead.
   */
  readonly isHistory?: (id: string) => boolean;
}

function tooManyDeletes(vanished: readonly string[], known: readonly string[], options: PlanOptions): boolean {
  const { isHistory } = options;
  const counts = isHistory === undefined ? (): boolean => true : (id: string): boolean => !isHistory(id);
  const base = known.filter(counts).length;
  const going = vanished.filter(counts).length;
  return base > 0 && going > (options.massDeleteMinimum ?? 0) && going / base > options.massDeleteThreshold;
}

/**
 * The diff between what providers want and what Jira last accepted. Pure and linear: one hash comparison per
 * entity, field fingerprints only for entities that changed.
 */
export function planRun<P>(kind: KindName, desired: readonly ProviderDesired<P>[], state: SyncState, options: PlanOptions): Plan<P> {
  const records = recordsOf(state, kind);
  const byProvider = new Map<string, string[]>();
  for (const [id, record] of Object.entries(records)) {
    let ids = byProvider.get(record.p);
    if (ids === undefined) byProvider.set(record.p, (ids = []));
    ids.push(id);
  }

  // An id another provider sends is not this one's to delete (or forget): devinfo ids carry no provider, so a
  // repository moved to another provider, or to a renamed one, is written by the new one in this very run; deleting
  // it before would have it sent as new, and after would empty it in Jira. Built only when some provider lost ids.
  let wantedNow: Set<string> | undefined;
  const wantedByAny = (): ReadonlySet<string> => {
    if (wantedNow === undefined) {
      wantedNow = new Set<string>();
      for (const d of desired) {
        if (!d.ok) continue;
        for (const entity of d.entities) wantedNow.add(entity.id);
        for (const id of d.unchanged ?? []) wantedNow.add(id);
        for (const id of d.keep) wantedNow.add(id);
      }
    }
    return wantedNow;
  };

  // Some provider of this kind could not be read: see the deletes below.
  const othersUnread = desired.some((d) => !d.ok);
  const providers = desired.map((source): ProviderPlan<P> => {
    const knownIds = byProvider.get(source.provider) ?? [];
    if (!source.ok) {
      return {
        provider: source.provider,
        ok: false,
        error: source.error,
        seen: 0,
        unlinked: 0,
        unlinkedIds: [],
        warnings: [],
        writes: [],
        deletes: [],
        forget: [],
        refusedDeletes: [],
        unchanged: 0,
        refresh: [],
        known: knownIds.length,
      };
    }
    const writes: PlannedWrite<P>[] = [];
    const refresh: Array<readonly [string, string]> = [];
    const wanted = new Set<string>(source.unchanged);
    let unchanged = source.unchanged?.length ?? 0;
    for (const entity of source.entities) {
      wanted.add(entity.id);
      const record = records[entity.id];
      // Same content but filed under another provider (a renamed provider) still needs a write to move it.
      if (record !== undefined && record.h === entity.hash && record.p === entity.provider) {
        unchanged++;
        if (entity.inputHash !== undefined && entity.inputHash !== record.i) refresh.push([entity.id, entity.inputHash]);
        continue;
      }
      if (record === undefined) {
        writes.push({ entity, action: 'create', changedFields: [], previousSequence: 0 });
        continue;
      }
      const hashes = entity.fieldHashes ?? fieldHashesOf(entity.fields());
      const before = record.f;
      let changedFields: readonly string[] | undefined;
      writes.push({
        entity,
        action: 'update',
        // Named only when a plan is shown: a run that sends 100k updates never reads them.
        get changedFields() {
          return (changedFields ??= changedFieldNames(before, hashes, entity.fields));
        },
        fieldHashes: hashes,
        previousSequence: record.s,
      });
    }
    let gone = knownIds.filter((id) => !wanted.has(id) && !source.keep.has(id));
    if (gone.length > 0 && desired.length > 1) {
      const elsewhere = wantedByAny();
      gone = gone.filter((id) => !elsewhere.has(id));
    }
    // The same for a provider that cannot be read: what it sends now is unknown, so an id this one no longer lists
    // waits, unless it names this provider (flag ids do; devinfo ids name none, and a repository moved to a provider
    // that is down would otherwise lose its branches in Jira until it is back). A run scoped to some providers (a
    // watch sync) still deletes: holding every devinfo delete until the next full run would keep deleted branches.
    const warnings = [...source.warnings];
    if (gone.length > 0 && othersUnread) {
      const own = `${source.provider}:`;
      const mine = gone.filter((id) => id.startsWith(own));
      const waiting = gone.length - mine.length;
      if (waiting > 0) {
        gone = mine;
        warnings.push(
          `${waiting} of its entities it no longer lists are kept, neither deleted nor forgotten: another provider cannot be read, and it may send them now`,
        );
      }
    }
    const isHistory = options.isHistory ?? ((): boolean => false);
    const forget = gone.filter(isHistory);
    const vanished = forget.length === 0 ? gone : gone.filter((id) => !isHistory(id));
    // The guard protects what Jira is known to hold. An entity in flight (a send or delete without answer, a delete
    // repeated for a late request) is not: its delete is neither counted nor held back, or deletes a source asked for
    // runs ago would add up across runs and hold every later one back.
    const settled = (id: string): boolean => records[id]?.h !== '';
    const guarded = vanished.filter(settled);
    const refuse = tooManyDeletes(guarded, knownIds.filter(settled), options) && !options.allowMassDelete;
    return {
      provider: source.provider,
      ok: true,
      seen: source.seen,
      unlinked: source.unlinked,
      unlinkedIds: source.unlinkedIds ?? [],
      warnings,
      writes,
      deletes: refuse ? vanished.filter((id) => !settled(id)) : vanished,
      forget,
      refusedDeletes: refuse ? guarded : [],
      unchanged,
      refresh,
      known: knownIds.length - forget.length,
    };
  });
  // A provider that is no longer in the config left its entities in Jira: they vanish as from an empty snapshot,
  // so the mass-delete guard holds them back unless the removal is confirmed with --allow-mass-delete.
  const configured = new Set(desired.map((d) => d.provider));
  // While a configured provider cannot be read, what it wants is unknown: a removed provider's deletes wait.
  const wantedElsewhere = (): ReadonlySet<string> | undefined => (desired.some((d) => !d.ok) ? undefined : wantedByAny());
  for (const [provider, recorded] of byProvider) {
    if (configured.has(provider) || options.scoped === true) continue;
    const elsewhere = wantedElsewhere();
    const ids = elsewhere === undefined ? recorded : recorded.filter((id) => !elsewhere.has(id));
    if (ids.length === 0) continue;
    const waiting = elsewhere === undefined;
    const refuse = !waiting && tooManyDeletes(ids, ids, options) && !options.allowMassDelete;
    const held = waiting ? '; they are deleted once every configured provider can be read again' : '';
    providers.push({
      provider,
      ok: true,
      seen: 0,
      unlinked: 0,
      unlinkedIds: [],
      removedFromConfig: true,
      warnings: [`provider "${provider}" is no longer in the config; Jira still holds ${ids.length} of its entities${held}`],
      writes: [],
      deletes: refuse || waiting ? [] : ids,
      forget: [],
      refusedDeletes: refuse ? ids : [],
      unchanged: 0,
      refresh: [],
      known: ids.length,
    });
  }
  return { kind, providers };
}

/** updateSequenceId for a change: time-based so it grows across restarts and state loss, and always above the last. */
export function nextSequence(previous: number, nowMs: number): number {
  return Math.max(nowMs, previous + 1);
}
