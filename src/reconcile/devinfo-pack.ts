import type { JiraBranch, JiraCommit, JiraRepository } from '../jira/payloads';
import type { EntityOutcome } from '../jira/types';
import type { DevinfoPayload, RepositoryHeader } from './devinfo-desired';
import type { Packet, StampedWrite } from './kind';

/** Jira's cap per entity type in one repository of one request. */
export const MAX_PER_TYPE_PER_REPOSITORY = 400;

/** A branch or commit with its sequence id, as it goes inside its repository. */
export type StampedDevinfo =
  { readonly type: 'commit'; readonly entity: JiraCommit } | { readonly type: 'branch'; readonly entity: JiraBranch };

export type DevinfoMember = StampedWrite<DevinfoPayload, StampedDevinfo>;
export type DevinfoPacket = Packet<DevinfoPayload, StampedDevinfo, JiraRepository>;

export function stampDevinfo(payload: DevinfoPayload, sequence: number): StampedDevinfo {
  return payload.type === 'commit'
    ? { type: 'commit', entity: { ...payload.entity, updateSequenceId: sequence } }
    : {
        type: 'branch',
        entity: { ...payload.entity, updateSequenceId: sequence, lastCommit: { ...payload.entity.lastCommit, updateSequenceId: sequence } },
      };
}

const commitsOf = (members: readonly DevinfoMember[]): JiraCommit[] =>
  members.flatMap((m) => (m.stamped.type === 'commit' ? [m.stamped.entity] : []));
const branchesOf = (members: readonly DevinfoMember[]): JiraBranch[] =>
  members.flatMap((m) => (m.stamped.type === 'branch' ? [m.stamped.entity] : []));

/**
 * Devinfo's packer: groups writes per repository and cuts each repository into chunks of ≤400 commits and ≤400
 * branches. Round k holds every repository's k-th chunk, so no request names a repository twice; the client then
 * splits a round at 100 repositories and 1000 nested entities per request. Every chunk is a fresh object (never one
 * shared payload).
 */
export function devinfoRounds(writes: readonly DevinfoMember[], nowMs: number): DevinfoPacket[][] {
  const byRepo = new Map<string, { header: RepositoryHeader; commits: DevinfoMember[]; branches: DevinfoMember[] }>();
  for (const w of writes) {
    const header = w.write.entity.payload.repository;
    let group = byRepo.get(header.id);
    if (group === undefined) byRepo.set(header.id, (group = { header, commits: [], branches: [] }));
    (w.stamped.type === 'commit' ? group.commits : group.branches).push(w);
  }
  const rounds: DevinfoPacket[][] = [];
  for (const { header, commits, branches } of byRepo.values()) {
    const count = Math.max(
      Math.ceil(commits.length / MAX_PER_TYPE_PER_REPOSITORY),
      Math.ceil(branches.length / MAX_PER_TYPE_PER_REPOSITORY),
    );
    for (let k = 0; k < count; k++) {
      const c = commits.slice(k * MAX_PER_TYPE_PER_REPOSITORY, (k + 1) * MAX_PER_TYPE_PER_REPOSITORY);
      const b = branches.slice(k * MAX_PER_TYPE_PER_REPOSITORY, (k + 1) * MAX_PER_TYPE_PER_REPOSITORY);
      // `transitions` steers the request (devinfo-send-mode.ts); it is no repository field.
      const { transitions: _, ...fields } = header;
      const repository: JiraRepository = {
        ...fields,
        updateSequenceId: nowMs,
        ...(c.length > 0 && { commits: commitsOf(c) }),
        ...(b.length > 0 && { branches: branchesOf(b) }),
      };
      (rounds[k] ??= []).push({ entity: repository, members: [...c, ...b] });
    }
  }
  return rounds;
}

/**
 * A repository's outcome → one per member. Jira's answer names the nested entities it refused (`parts`); those are
 * rejected, those it left out fail as unlisted (they stay in flight: Jira may hold them), and the others were stored. Messages about the repository as a whole (or a rejection without parts)
 * concern every member of the chunk.
 */
export function memberOutcomes(outcome: EntityOutcome, packet: DevinfoPacket): EntityOutcome[] {
  const { members } = packet;
  const id = (m: DevinfoMember): string => m.write.entity.id;
  if (outcome.status === 'failed') return members.map((m) => ({ ...outcome, id: id(m) }));
  const unknown = new Set(outcome.unknownIssueKeys);
  const unknownFor = (m: DevinfoMember): string[] => m.write.entity.issueKeys.filter((k) => unknown.has(k));
  if (outcome.status === 'accepted') return members.map((m) => ({ id: id(m), status: 'accepted', unknownIssueKeys: unknownFor(m) }));
  const { parts } = outcome;
  const whole = parts === undefined || parts.whole.length > 0;
  const named = new Map<string, string[]>();
  const unlisted = new Set<string>();
  for (const part of parts?.nested ?? []) {
    const key = `${part.type}\0${part.id}`;
    if (part.unlisted === true) unlisted.add(key);
    else named.set(key, [...(named.get(key) ?? []), ...part.messages.map((m) => `${part.type} ${part.id}: ${m}`)]);
  }
  return members.map((m): EntityOutcome => {
    const { type, jiraId } = m.write.entity.payload;
    const key = `${type}\0${jiraId}`;
    if (!whole && unlisted.has(key)) {
      const error = `${type} ${jiraId}: Jira's answer lists it neither as accepted nor as failed`;
      return { id: id(m), status: 'failed', error, reason: 'unlisted', retryable: false };
    }
    const messages = whole ? outcome.messages : named.get(key);
    return messages === undefined
      ? { id: id(m), status: 'accepted', unknownIssueKeys: unknownFor(m) }
      : { id: id(m), status: 'rejected', messages, unknownIssueKeys: unknownFor(m) };
  });
}
