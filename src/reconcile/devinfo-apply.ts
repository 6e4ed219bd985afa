import { devinfoKind } from '../jira';
import type { JiraBranch, JiraCommit, JiraRepository } from '../jira/payloads';
import type { EntityOutcome, JiraClient } from '../jira/types';
import type { Logger } from '../log';
import type { ProviderResult } from './apply';
import type { DevinfoPayload, RepositoryHeader } from './devinfo-desired';
import { devinfoEntityKind, isCommitEntityId } from './devinfo-kind';
import { nextSequence, type Plan, type PlannedWrite, type ProviderPlan } from './plan';
import type { StateLedger } from './state-ledger';
import { PROVIDER_PROPERTY } from '../model/properties';

/** Jira's cap per entity type in one repository of one request (FACTS.md section 6). */
export const MAX_PER_TYPE_PER_REPOSITORY = 400;

export interface DevinfoApplyDeps {
  readonly client: JiraClient;
  readonly logger: Logger;
  readonly now: () => number;
  readonly signal?: AbortSignal;
  readonly properties?: Readonly<Record<string, string>>;
}

interface Stamped {
  readonly write: PlannedWrite;
  readonly sequence: number;
  readonly payload: DevinfoPayload;
  readonly jira: JiraCommit | JiraBranch;
}

/** One repository's share of one request: at most 400 commits and 400 branches. */
interface Chunk {
  readonly repository: JiraRepository;
  readonly members: readonly Stamped[];
}

function stamp(write: PlannedWrite, nowMs: number): Stamped {
  const sequence = nextSequence(write.previousSequence, nowMs);
  const payload = write.entity.payload as DevinfoPayload;
  const jira =
    payload.type === 'commit'
      ? { ...payload.entity, updateSequenceId: sequence }
      : { ...payload.entity, updateSequenceId: sequence, lastCommit: { ...payload.entity.lastCommit, updateSequenceId: sequence } };
  return { write, sequence, payload, jira };
}

/**
 * Groups entities per repository and cuts each repository into chunks of ≤400 commits and ≤400 branches. Round k
 * holds every repository's k-th chunk, so no request names a repository twice; the client then splits a round at
 * 100 repositories and 1000 nested entities per request. Every chunk is a fresh object (never one shared payload).
 */
export function devinfoRounds(stamped: readonly Stamped[], nowMs: number): Chunk[][] {
  const byRepo = new Map<string, { header: RepositoryHeader; commits: Stamped[]; branches: Stamped[] }>();
  for (const s of stamped) {
    const header = s.payload.repository;
    let group = byRepo.get(header.id);
    if (group === undefined) byRepo.set(header.id, (group = { header, commits: [], branches: [] }));
    (s.payload.type === 'commit' ? group.commits : group.branches).push(s);
  }
  const rounds: Chunk[][] = [];
  for (const { header, commits, branches } of byRepo.values()) {
    const count = Math.max(
      Math.ceil(commits.length / MAX_PER_TYPE_PER_REPOSITORY),
      Math.ceil(branches.length / MAX_PER_TYPE_PER_REPOSITORY),
    );
    for (let k = 0; k < count; k++) {
      const c = commits.slice(k * MAX_PER_TYPE_PER_REPOSITORY, (k + 1) * MAX_PER_TYPE_PER_REPOSITORY);
      const b = branches.slice(k * MAX_PER_TYPE_PER_REPOSITORY, (k + 1) * MAX_PER_TYPE_PER_REPOSITORY);
      const repository: JiraRepository = {
        ...header,
        updateSequenceId: nowMs,
        ...(c.length > 0 && { commits: c.map((s) => s.jira as JiraCommit) }),
        ...(b.length > 0 && { branches: b.map((s) => s.jira as JiraBranch) }),
      };
      (rounds[k] ??= []).push({ repository, members: [...c, ...b] });
    }
  }
  return rounds;
}

/**
 * A repository's outcome → one per member. Jira names failed nested entities ("commit <id>: ..."); those are
 * rejected and the others were stored. A message naming no entity concerns the whole repository chunk.
 */
export function memberOutcomes(outcome: EntityOutcome, members: readonly Stamped[]): EntityOutcome[] {
  const unknownFor = (s: Stamped) => {
    if (outcome.status === 'failed') return [];
    const unknown = new Set(outcome.unknownIssueKeys);
    return s.write.entity.issueKeys.filter((k) => unknown.has(k));
  };
  const id = (s: Stamped) => s.write.entity.id;
  if (outcome.status === 'failed')
    return members.map((s) => ({ id: id(s), status: 'failed', error: outcome.error, retryable: outcome.retryable }));
  if (outcome.status === 'accepted') return members.map((s) => ({ id: id(s), status: 'accepted', unknownIssueKeys: unknownFor(s) }));
  const named = new Map<string, string[]>();
  let general = false;
  for (const message of outcome.messages) {
    const member = members.find((s) => message.startsWith(`${s.payload.type} ${s.payload.jiraId}: `));
    if (member === undefined) general = true;
    else named.set(id(member), [...(named.get(id(member)) ?? []), message]);
  }
  return members.map((s): EntityOutcome => {
    const messages = general ? outcome.messages : named.get(id(s));
    return messages === undefined
      ? { id: id(s), status: 'accepted', unknownIssueKeys: unknownFor(s) }
      : { id: id(s), status: 'rejected', messages, unknownIssueKeys: unknownFor(s) };
  });
}

async function applyProvider(plan: ProviderPlan, ledger: StateLedger, deps: DevinfoApplyDeps): Promise<ProviderResult> {
  const base = { provider: plan.provider, seen: plan.seen, unlinked: plan.unlinked, unchanged: plan.unchanged, warnings: plan.warnings };
  if (!plan.ok) {
    return {
      ...base,
      ok: false,
      error: plan.error,
      created: 0,
      updated: 0,
      deleted: 0,
      rejected: [],
      failed: [],
      deletesRefused: 0,
      unknownIssueKeys: {},
    };
  }
  const nowMs = deps.now();
  const stamped = plan.writes.map((w) => stamp(w, nowMs));
  let created = 0;
  let updated = 0;
  const rejected: { id: string; messages: readonly string[] }[] = [];
  const failed: { id: string; error: string }[] = [];
  const unknownIssueKeys: Record<string, readonly string[]> = {};
  const properties = { ...deps.properties, [PROVIDER_PROPERTY]: plan.provider };

  for (const round of devinfoRounds(stamped, nowMs)) {
    const chunks = new Map(round.map((chunk) => [chunk.repository.id, chunk]));
    const outcomes: EntityOutcome[] = [];
    const onBatch = async (batch: readonly EntityOutcome[]) => {
      for (const repoOutcome of batch) {
        const chunk = chunks.get(repoOutcome.id);
        if (chunk === undefined) continue;
        for (const [i, outcome] of memberOutcomes(repoOutcome, chunk.members).entries()) {
          outcomes.push(outcome);
          const member = chunk.members[i]!;
          // Only what Jira accepted enters state; the rest stays dirty and is sent again next run.
          if (outcome.status === 'accepted') {
            ledger.put('devinfo', outcome.id, {
              h: member.write.entity.hash,
              s: member.sequence,
              p: plan.provider,
              f: member.write.fieldHashes,
            });
          }
        }
      }
    };
    await deps.client.submit(
      devinfoKind,
      round.map((c) => c.repository),
      { properties, signal: deps.signal, onBatch },
    );
    // Entities of batches never started (aborted) have no outcome from onBatch; the client reports them 'failed'.
    const reported = new Set(outcomes.map((o) => o.id));
    for (const chunk of round)
      for (const m of chunk.members)
        if (!reported.has(m.write.entity.id)) outcomes.push({ id: m.write.entity.id, status: 'failed', error: 'aborted', retryable: true });
    const actionOf = new Map(round.flatMap((c) => c.members.map((m) => [m.write.entity.id, m.write.action] as const)));
    for (const outcome of outcomes) {
      if (outcome.status !== 'failed' && outcome.unknownIssueKeys.length > 0) unknownIssueKeys[outcome.id] = outcome.unknownIssueKeys;
      if (outcome.status === 'accepted') {
        if (actionOf.get(outcome.id) === 'create') created++;
        else updated++;
      } else if (outcome.status === 'rejected') rejected.push({ id: outcome.id, messages: outcome.messages });
      else failed.push({ id: outcome.id, error: outcome.error });
    }
    if (deps.signal?.aborted === true) break;
  }

  let deleted = 0;
  if (plan.deletes.length > 0 && deps.signal?.aborted !== true) {
    // Commits are history: one that left the window is forgotten, never deleted from Jira (devinfo-run.ts prunes
    // them before planning; any that remain here are simply dropped from state).
    const branches = plan.deletes.filter((id) => !isCommitEntityId(id));
    for (const id of plan.deletes.filter(isCommitEntityId)) ledger.remove('devinfo', id);
    for (const outcome of await deps.client.deleteById(devinfoEntityKind, branches, { signal: deps.signal })) {
      if (outcome.ok) {
        ledger.remove('devinfo', outcome.id);
        deleted++;
      } else failed.push({ id: outcome.id, error: `delete failed: ${outcome.error ?? 'unknown error'}` });
    }
  }
  if (plan.refusedDeletes.length > 0) {
    deps.logger.warn(
      { provider: plan.provider, refused: plan.refusedDeletes.length, known: plan.known },
      'mass-delete guard: branch deletes refused',
    );
  }
  return { ...base, ok: true, created, updated, deleted, rejected, failed, deletesRefused: plan.refusedDeletes.length, unknownIssueKeys };
}

/** Sends a devinfo plan's writes grouped per repository, then deletes vanished branches, updating `state`. */
export async function applyDevinfoPlan(plan: Plan, ledger: StateLedger, deps: DevinfoApplyDeps): Promise<ProviderResult[]> {
  const results: ProviderResult[] = [];
  for (const provider of plan.providers) results.push(await applyProvider(provider, ledger, deps));
  return results;
}
