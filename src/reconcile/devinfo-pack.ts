import type { JiraBranch, JiraCommit, JiraRepository } from '../jira/payloads';
import type { EntityOutcome } from '../jira/types';
import type { DevinfoPayload, RepositoryHeader } from './devinfo-desired';
import { historyCutoffs, isHistoryCommit } from './devinfo-send-mode';
import type { PackContext, Packet, StampedWrite } from './kind';

/** Jira's cap per entity type in one repository of one request. */
export const MAX_PER_TYPE_PER_REPOSITORY = 400;

/**
 * JSON bytes of one entity type in one chunk: under half the client's 1 MiB request cap, so a chunk's commits and
 * branches with its repository fit one request. The client splits requests only between repositories: 400 commits
 * with long messages in a script of three bytes a character (1024 characters each) would otherwise be one chunk too
 * large for any request, refused with a 413 at every run.
 */
export const MAX_BYTES_PER_TYPE_PER_CHUNK = 500 * 1024;

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

/** A commit member authored before its repository's first sync (devinfo-send-mode.ts, historyCutoffs). */
export function isHistoryMember(member: DevinfoMember, cutoffs: ReadonlyMap<string, number>): boolean {
  const { payload } = member.write.entity;
  return payload.type === 'commit' && isHistoryCommit(payload.entity.authorTimestamp, cutoffs.get(payload.repository.id));
}

/**
 * Devinfo's packer: groups writes per repository and cuts each repository into chunks of ≤400 commits and ≤400
 * branches. Round k holds every repository's k-th chunk, so no request names a repository twice; the client then
 * splits a round at 100 repositories and 1000 nested entities per request. Every chunk is a fresh object (never one
 * shared payload). Commits authored before their repository's first sync (history: one back in the commit window, one
 * Jira refused then) go in chunks of their own, after the others, so their requests can prevent smart commits.
 */
export function devinfoRounds(writes: readonly DevinfoMember[], nowMs: number, context?: PackContext): DevinfoPacket[][] {
  const cutoffs = context === undefined ? new Map<string, number>() : historyCutoffs(context.state, context.provider);
  const byRepo = new Map<
    string,
    { header: RepositoryHeader; commits: DevinfoMember[]; history: DevinfoMember[]; branches: DevinfoMember[] }
  >();
  for (const w of writes) {
    const header = w.write.entity.payload.repository;
    let group = byRepo.get(header.id);
    if (group === undefined) byRepo.set(header.id, (group = { header, commits: [], history: [], branches: [] }));
    if (w.stamped.type === 'branch') group.branches.push(w);
    else (isHistoryMember(w, cutoffs) ? group.history : group.commits).push(w);
  }
  const rounds: DevinfoPacket[][] = [];
  for (const { header, commits, history, branches } of byRepo.values()) {
    // `transitions` steers the request (devinfo-send-mode.ts); it is no repository field.
    const { transitions: _, ...fields } = header;
    const packet = (c: readonly DevinfoMember[], b: readonly DevinfoMember[]): DevinfoPacket => ({
      entity: {
        ...fields,
        updateSequenceId: nowMs,
        ...(c.length > 0 && { commits: commitsOf(c) }),
        ...(b.length > 0 && { branches: branchesOf(b) }),
      },
      members: [...c, ...b],
    });
    const commitChunks = chunksOf(commits);
    const branchChunks = chunksOf(branches);
    const count = Math.max(commitChunks.length, branchChunks.length);
    for (let k = 0; k < count; k++) (rounds[k] ??= []).push(packet(commitChunks[k] ?? [], branchChunks[k] ?? []));
    for (const [k, old] of chunksOf(history).entries()) (rounds[count + k] ??= []).push(packet(old, []));
  }
  return rounds;
}

/** Members in order, cut at MAX_PER_TYPE_PER_REPOSITORY and at MAX_BYTES_PER_TYPE_PER_CHUNK of their JSON. */
function chunksOf(members: readonly DevinfoMember[]): DevinfoMember[][] {
  const chunks: DevinfoMember[][] = [];
  let current: DevinfoMember[] = [];
  let bytes = 0;
  for (const member of members) {
    const size = Buffer.byteLength(JSON.stringify(member.stamped.entity));
    if (current.length === MAX_PER_TYPE_PER_REPOSITORY || (current.length > 0 && bytes + size > MAX_BYTES_PER_TYPE_PER_CHUNK)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(member);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * A repository's outcome → one per member. Jira's answer names the nested entities it refused (`parts`); those are
 * rejected, those it left out fail as unlisted (they stay in flight: Jira may hold them), and the others were stored. Messages about the repository as a whole (or a rejection without parts)
 * concern every member of the chunk: those Jira refused or left out are rejected, those it listed as accepted stay in
 * flight with the messages.
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
    if (whole && parts !== undefined && !unlisted.has(key) && !named.has(key)) {
      // Listed as accepted beside errors about its repository as a whole: Jira may hold it, so it stays in flight (sent
      // again, and deleted should it leave the source), and the errors are reported rather than lost to an "accepted".
      const error = `${type} ${jiraId}: listed as accepted, beside errors about its repository: ${outcome.messages.join('; ')}`;
      return { id: id(m), status: 'failed', error, reason: 'unlisted', retryable: false };
    }
    const messages = whole ? outcome.messages : named.get(key);
    return messages === undefined
      ? { id: id(m), status: 'accepted', unknownIssueKeys: unknownFor(m) }
      : { id: id(m), status: 'rejected', messages, unknownIssueKeys: unknownFor(m) };
  });
}
