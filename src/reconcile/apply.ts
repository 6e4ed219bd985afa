import type { DeleteOutcome, EntityOutcome, FailureCause, JiraClient, KindName } from '../jira/types';
import { ABORTED } from '../jira/failure';
import { IN_SUMMARY, type Logger } from '../log';
import { PROVIDER_PROPERTY } from '../model/properties';
import { fieldHashesOf } from './field-hashes';
import type { Packet, ReconcileKind, StampedWrite } from './kind';
import { nextSequence, type Plan, type ProviderPlan } from './plan';
import type { EntityRecord } from './state';
import type { InFlight, StateLedger } from './state-ledger';

export interface ProviderResult {
  readonly provider: string;
  readonly ok: boolean;
  readonly error?: string;
  readonly seen: number;
  readonly unlinked: number;
  readonly created: number;
  readonly updated: number;
  readonly deleted: number;
  readonly unchanged: number;
  readonly rejected: ReadonlyArray<{ readonly id: string; readonly messages: readonly string[] }>;
  /** Reason 'aborted': the run stopped (signal, run timeout, circuit breaker, state) before an answer; sent next run. */
  readonly failed: readonly FailedEntity[];
  readonly deletesRefused: number;
  readonly unknownIssueKeys: Readonly<Record<string, readonly string[]>>;
  readonly warnings: readonly string[];
}

/** An entity Jira gave no verdict on, with the cause as data (see FailureReason). */
export interface FailedEntity extends FailureCause {
  readonly id: string;
  readonly error: string;
}

export interface ApplyDeps<S, P, M, E> {
  readonly client: JiraClient;
  readonly kind: ReconcileKind<S, P, M, E>;
  readonly logger: Logger;
  readonly now: () => number;
  readonly signal?: AbortSignal;
  /** Jira `properties` on every request (the provider's name is added so its data can be purged by property). */
  readonly properties?: Readonly<Record<string, string>>;
  /** The source product a provider's adapter reports (providerMetadata.product); else the client's own. */
  readonly productOf?: (provider: string) => string | undefined;
}

/**
 * What Jira's answer to a write means for state: the one place outcomes are recorded, for every kind. Every entity
 * was marked in flight (write-ahead) before its request left, so:
 * - accepted: the record becomes what was sent;
 * - rejected, the whole request refused (400, 403, 404, 413…), or the request never left (no token, a stop before
 *   it): Jira stored nothing, the record before is true;
 * - anything else (no answer, an unreadable one, one that does not list the entity, a stop): it stays in flight.
 *   Jira may hold the new content, so the next run sends it again (with a higher sequence id) even if the source
 *   went back to what the old record says.
 */
function recordOutcome<P, M>(
  ledger: StateLedger,
  kind: KindName,
  provider: string,
  member: StampedWrite<P, M>,
  before: EntityRecord | undefined,
  outcome: EntityOutcome,
): void {
  const { write, sequence } = member;
  if (outcome.status === 'accepted') {
    const f = write.fieldHashes ?? write.entity.fieldHashes ?? fieldHashesOf(write.entity.fields());
    const i = write.entity.inputHash;
    ledger.put(
      kind,
      write.entity.id,
      i === undefined ? { h: write.entity.hash, s: sequence, p: provider, f } : { h: write.entity.hash, s: sequence, p: provider, f, i },
    );
  } else if (outcome.status === 'rejected' || outcome.reason === 'refused' || outcome.reason === 'forbidden' || outcome.unsent === true) {
    if (before === undefined) ledger.remove(kind, write.entity.id);
    else ledger.put(kind, write.entity.id, { ...before, s: Math.max(before.s, sequence) });
  }
}

interface Tally {
  created: number;
  updated: number;
  deleted: number;
  readonly rejected: { id: string; messages: readonly string[] }[];
  readonly failed: FailedEntity[];
  readonly unknownIssueKeys: Record<string, readonly string[]>;
  /** Entities Jira holds whose update it refused because none of their issue keys exists any more (see strandedBy). */
  readonly stranded: string[];
}

/** A tally's counts as a result reports them. */
function withoutStranded({ stranded: _, ...counts }: Tally): Omit<Tally, 'stranded'> {
  return counts;
}

/**
 * An update Jira refused because every issue key it now names is unknown there ("No valid issues"): the entity Jira
 * holds still shows on the issues it named before, which the source no longer links it to. Deleted, as an entity
 * that lost its keys is: Jira then matches the source (linked to no issue it has).
 */
function strandedBy<P, M>(member: StampedWrite<P, M>, outcome: EntityOutcome, before: EntityRecord | undefined): boolean {
  // A record in flight too (an earlier send or delete got no answer): Jira may hold the entity, and deleting one it
  // does not hold is harmless.
  if (outcome.status !== 'rejected' || before === undefined) return false;
  const keys = member.write.entity.issueKeys;
  const unknown = new Set(outcome.unknownIssueKeys);
  return keys.length > 0 && keys.every((key) => unknown.has(key));
}

function count<P, M>(tally: Tally, member: StampedWrite<P, M>, outcome: EntityOutcome): void {
  if (outcome.status !== 'failed' && outcome.unknownIssueKeys.length > 0) tally.unknownIssueKeys[outcome.id] = outcome.unknownIssueKeys;
  if (outcome.status === 'accepted') {
    if (member.write.action === 'create') tally.created++;
    else tally.updated++;
  } else if (outcome.status === 'rejected') tally.rejected.push({ id: outcome.id, messages: outcome.messages });
  else tally.failed.push(failedEntity(outcome));
}

function failedEntity(failure: FailedEntity): FailedEntity {
  const { id, error, reason, retryable, httpStatus } = failure;
  return httpStatus === undefined ? { id, error, reason, retryable } : { id, error, reason, httpStatus, retryable };
}

/** Each member of a packet with its own outcome (the kind unpacks the request entity's outcome). */
function eachMember<S, P, M, E>(
  kind: ReconcileKind<S, P, M, E>,
  packets: ReadonlyMap<string, Packet<P, M, E>>,
  outcomes: readonly EntityOutcome[],
  visit: (member: StampedWrite<P, M>, outcome: EntityOutcome) => void,
): void {
  for (const outcome of outcomes) {
    const packet = packets.get(outcome.id);
    if (packet === undefined) continue;
    const memberOutcomes = kind.unpack(outcome, packet);
    for (let i = 0; i < memberOutcomes.length; i++) visit(packet.members[i]!, memberOutcomes[i]!);
  }
}

type RequestGroup<P, M, E> = { readonly requestFields: Readonly<Record<string, unknown>>; readonly group: readonly Packet<P, M, E>[] };

/**
 * A round's packets grouped by the request fields they ask for, in first-seen order; one group when the kind asks
 * for none of its own (flags: nothing to work out per packet).
 */
function byRequestFields<P, M, E>(
  round: readonly Packet<P, M, E>[],
  common: Readonly<Record<string, unknown>>,
  kindFieldsOf: ((packet: Packet<P, M, E>) => Readonly<Record<string, unknown>>) | undefined,
): RequestGroup<P, M, E>[] {
  if (kindFieldsOf === undefined) return [{ requestFields: common, group: round }];
  const groups = new Map<string, { requestFields: Readonly<Record<string, unknown>>; group: Packet<P, M, E>[] }>();
  for (const packet of round) {
    const requestFields = { ...common, ...kindFieldsOf(packet) };
    const key = JSON.stringify(requestFields);
    const entry = groups.get(key) ?? { requestFields, group: [] };
    entry.group.push(packet);
    groups.set(key, entry);
  }
  return [...groups.values()];
}

async function sendWrites<S, P, M, E>(
  plan: ProviderPlan<P>,
  ledger: StateLedger,
  deps: ApplyDeps<S, P, M, E>,
  tally: Tally,
): Promise<void> {
  const { kind } = deps;
  const nowMs = deps.now();
  const nowIso = new Date(nowMs).toISOString();
  const stamped = plan.writes.map((write): StampedWrite<P, M> => {
    const sequence = nextSequence(write.previousSequence, nowMs);
    return { write, sequence, stamped: kind.stamp(write.entity.payload, sequence, nowIso) };
  });
  const records = ledger.records(kind.name);
  // Each entity's record as it was before its request, taken as it is marked in flight and dropped once recorded.
  const before = new Map<string, EntityRecord | undefined>();
  const properties = { ...deps.properties, [PROVIDER_PROPERTY]: plan.provider };
  // Decided before anything is sent, so an entity accepted early in the run does not change how the rest goes.
  const kindFieldsOf = kind.requestFieldsFor?.(ledger.state, plan.provider);
  const product = deps.productOf?.(plan.provider);
  const common = product === undefined ? {} : { providerMetadata: { product } };
  const rounds = kind.pack(stamped, nowMs, { state: ledger.state, provider: plan.provider });
  for (const [r, round] of rounds.entries()) {
    if (deps.signal?.aborted === true) {
      // Rounds never started: every member counts as not sent (the run stopped), so the summary says so and no
      // source record vouches for them.
      for (const later of rounds.slice(r))
        for (const packet of later) for (const member of packet.members) tally.failed.push(notSent(member.write.entity.id));
      break;
    }
    const packets = new Map(round.map((packet) => [kind.submitAs.idOf(packet.entity), packet]));
    // Write-ahead: a request leaves only once every entity it carries is durably marked in flight.
    const beforeSend = (entities: readonly E[]): Promise<void> => {
      const marks: InFlight[] = [];
      for (const entity of entities) {
        for (const member of packets.get(kind.submitAs.idOf(entity))?.members ?? []) {
          const { id } = member.write.entity;
          before.set(id, records[id]);
          marks.push({ id, sequence: member.sequence, provider: plan.provider });
        }
      }
      return ledger.markInFlight(kind.name, marks);
    };
    // State is recorded batch by batch (a stop mid-run keeps what landed); counts come from the full report, which
    // also holds the entities of batches never sent.
    const onBatch = async (outcomes: readonly EntityOutcome[]): Promise<void> => {
      eachMember(kind, packets, outcomes, (member, outcome) => {
        const { id } = member.write.entity;
        const was = before.get(id);
        recordOutcome(ledger, kind.name, plan.provider, member, was, outcome);
        if (strandedBy(member, outcome, was)) tally.stranded.push(id);
        before.delete(id);
      });
      await ledger.checkpoint().catch(() => undefined); // a store that cannot be written stops the run (ledger.signal)
    };
    for (const { requestFields, group } of byRequestFields(round, common, kindFieldsOf)) {
      const entities = group.map((packet) => packet.entity);
      const report = await deps.client.submit(kind.submitAs, entities, {
        properties,
        requestFields,
        signal: deps.signal,
        onBatch,
        beforeSend,
      });
      eachMember(kind, packets, report.outcomes, (member, outcome) => count(tally, member, outcome));
    }
  }
}

const notSent = (id: string): FailedEntity => ({ id, error: 'aborted', ...ABORTED });

/**
 * How long after a send that got no answer the request may still reach Jira: far past any request timeout. Until
 * then a delete of that entity is repeated by later runs (sendDeletes).
 */
export const LATE_SEND_WINDOW_MS = 15 * 60_000;

/** Deletes what vanished from the source (history is only forgotten), recording each delete Jira confirmed. */
async function sendDeletes<S, P, M, E>(
  ids: readonly string[],
  ledger: StateLedger,
  deps: ApplyDeps<S, P, M, E>,
  tally: Tally,
  stranded: ReadonlySet<string> = new Set(),
): Promise<void> {
  const { kind } = deps;
  const isHistory = kind.isHistory ?? ((): boolean => false);
  for (const id of ids) if (isHistory(id)) ledger.remove(kind.name, id);
  const deletes = ids.filter((id) => !isHistory(id));
  const records = ledger.records(kind.name);
  const nowMs = deps.now();
  const params = deletes.length > 0 ? kind.deleteParams?.(deletes, records, nowMs) : undefined;
  // Entities whose last send got no answer, recently: that request may still be on its way to Jira (its process was
  // killed, its answer lost) and land after the delete, bringing the entity back, since deletes carry no sequence
  // number Jira compares. Their records stay in flight after the delete, so the runs of the next minutes delete again.
  // (Not a flag stranded by a rejected update: its record's sequence is that answered send's.)
  const lingering = new Set(
    deletes.filter((id) => !stranded.has(id) && records[id]?.h === '' && nowMs - records[id].s < LATE_SEND_WINDOW_MS),
  );
  if (deletes.length > 0 && (await markDeletes(ledger, kind.name, deletes))) {
    // Each delete is recorded as it lands and made durable at the save interval; one that fails stays in flight. A
    // crash between saves loses nothing: what was deleted but not yet saved is still marked in flight, and deleting
    // again is harmless (Jira answers 202 for an absent entity).
    const onOutcome = async (outcome: DeleteOutcome): Promise<void> => {
      if (!outcome.ok || lingering.has(outcome.id)) return;
      ledger.remove(kind.name, outcome.id);
      await ledger.checkpoint().catch(() => undefined);
    };
    for (const outcome of await deps.client.deleteById(kind.deleteAs, deletes, { signal: deps.signal, params, onOutcome })) {
      if (outcome.ok) tally.deleted++;
      else tally.failed.push(failedEntity({ ...outcome, error: `delete failed: ${outcome.error}` }));
    }
  }
  await ledger.checkpoint().catch(() => undefined);
}

/**
 * Write-ahead for deletes: every entity about to be deleted is durably marked in flight first, so a delete whose
 * answer is lost is sent again, and an entity that comes back to its source meanwhile is sent again too (its record
 * no longer claims Jira holds it unchanged). False when the store cannot be written: then nothing is deleted.
 */
async function markDeletes(ledger: StateLedger, kind: KindName, ids: readonly string[]): Promise<boolean> {
  const records = ledger.records(kind);
  const known = ids.flatMap((id) => {
    const record = records[id];
    return record === undefined ? [] : [{ id, sequence: record.s, provider: record.p }];
  });
  return ledger.markInFlight(kind, known).then(
    () => true,
    () => false,
  );
}

async function applyProvider<S, P, M, E>(plan: ProviderPlan<P>, ledger: StateLedger, deps: ApplyDeps<S, P, M, E>): Promise<ProviderResult> {
  const { kind } = deps;
  const base = { provider: plan.provider, seen: plan.seen, unlinked: plan.unlinked, unchanged: plan.unchanged, warnings: plan.warnings };
  const tally: Tally = { created: 0, updated: 0, deleted: 0, rejected: [], failed: [], unknownIssueKeys: {}, stranded: [] };
  if (!plan.ok) return { ...base, ok: false, error: plan.error, ...withoutStranded(tally), deletesRefused: 0 };
  const records = ledger.records(kind.name);
  for (const [id, inputHash] of plan.refresh) {
    const known = records[id];
    if (known !== undefined) ledger.put(kind.name, id, { ...known, i: inputHash });
  }
  for (const id of plan.forget) ledger.remove(kind.name, id);
  if (plan.writes.length > 0) await sendWrites(plan, ledger, deps, tally);
  if (tally.stranded.length > 0) {
    deps.logger.warn(
      { provider: plan.provider, ids: tally.stranded.slice(0, 20), count: tally.stranded.length },
      'none of the issue keys these entities now name exists in Jira: deleted there, where they still showed on the issues they named before',
    );
  }
  const deletes = [...plan.deletes, ...tally.stranded];
  if (deletes.length > 0 && deps.signal?.aborted !== true) await sendDeletes(deletes, ledger, deps, tally, new Set(tally.stranded));
  else if (deletes.length > 0) for (const id of deletes) tally.failed.push(notSent(id));
  if (plan.refusedDeletes.length > 0) {
    deps.logger.warn(
      { provider: plan.provider, refused: plan.refusedDeletes.length, known: plan.known, ...IN_SUMMARY },
      'mass-delete guard: deletes refused; run with --allow-mass-delete if the source really lost these entities',
    );
  }
  return { ...base, ok: true, ...withoutStranded(tally), deletesRefused: plan.refusedDeletes.length };
}

/** Sends a plan's writes (then its deletes) provider by provider, recording in `ledger` what Jira accepted. */
export async function applyPlan<S, P, M, E>(plan: Plan<P>, ledger: StateLedger, deps: ApplyDeps<S, P, M, E>): Promise<ProviderResult[]> {
  const results: ProviderResult[] = [];
  for (const provider of plan.providers) results.push(await applyProvider(provider, ledger, deps));
  return results;
}

/** A run succeeded when every provider was read and every entity was accepted. */
export function resultOk(result: ProviderResult): boolean {
  return result.ok && result.rejected.length === 0 && result.failed.length === 0 && result.deletesRefused === 0;
}
