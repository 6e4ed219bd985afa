import { decodeOrThrow } from '../../kit/decode';
import { DevinfoResponseCodec, type DevinfoResponse, unknownKeysOf } from '../codecs';
import type { JiraRepository } from '../payloads';
import type { KindDescription, RejectedParts } from '../types';
import { issueKeysFrom, outcomesFor } from './outcomes';

type RepositoryErrors = NonNullable<DevinfoResponse['failedDevinfoEntities']>[string];

type NestedRejection = RejectedParts['nested'][number];

/**
 * What Jira refused in a repository, as data: messages about the repository itself, and each nested entity it
 * failed (one without messages of its own gets "failed"). Any of it makes the repository 'rejected': a partly stored
 * repository is reported rather than silently counted as accepted, and re-sending it is harmless because Jira keeps
 * only higher updateSequenceIds.
 */
function failedParts(errors: RepositoryErrors): { whole: string[]; nested: NestedRejection[] } {
  const whole = (errors.errorMessages ?? []).map((m) => m.message);
  const lists = [
    ['commit', errors.commits],
    ['branch', errors.branches],
    ['pull request', errors.pullRequests],
  ] as const;
  const nested: NestedRejection[] = [];
  for (const [type, list] of lists) {
    for (const entity of list ?? []) {
      const own = (entity.errorMessages ?? []).map((m) => m.message);
      nested.push({ type, id: entity.id, messages: own.length === 0 ? ['failed'] : own });
    }
  }
  return { whole, nested };
}

type RepositoryAccepted = NonNullable<DevinfoResponse['acceptedDevinfoEntities']>[string];

/**
 * A nested entity Jira lists neither as accepted nor as failed is not known to be stored, nor known not to be: it is
 * marked `unlisted`, so the reconciler keeps it in flight and sends it again (as for a flag the answer leaves out).
 */
function unlisted(repo: JiraRepository, accepted: RepositoryAccepted, errors: RepositoryErrors | undefined): NestedRejection[] {
  const lists = [
    ['commit', repo.commits, accepted.commits, errors?.commits],
    ['branch', repo.branches, accepted.branches, errors?.branches],
    ['pull request', repo.pullRequests, accepted.pullRequests, errors?.pullRequests],
  ] as const;
  const found: NestedRejection[] = [];
  for (const [type, sent, acceptedIds, failed] of lists) {
    const listed = new Set([...(acceptedIds ?? []), ...(failed ?? []).map((f) => f.id)]);
    for (const entity of sent ?? [])
      if (!listed.has(entity.id)) found.push({ type, id: entity.id, messages: ['not listed as accepted by Jira'], unlisted: true });
  }
  return found;
}

/** The parts as text for people: nested messages prefixed with what they belong to. */
function messagesOf(parts: RejectedParts): string[] {
  return [...parts.whole, ...parts.nested.flatMap((n) => n.messages.map((m) => `${n.type} ${n.id}: ${m}`))];
}

function nestedCount(repo: JiraRepository): number {
  return (repo.commits?.length ?? 0) + (repo.branches?.length ?? 0) + (repo.pullRequests?.length ?? 0);
}

/**
 * Development information: the unit sent is a repository with its commits, branches and pull requests nested.
 * The proxy path uses version 0.1 (not 0.10). A request carries at most 100 repositories and 1000 nested entities.
 */
export const devinfoKind: KindDescription<JiraRepository> = {
  kind: 'devinfo',
  version: '0.1',
  arrayField: 'repositories',
  maxPerRequest: 100,
  maxWeightPerRequest: 1000,
  permission: 'Development information',
  weightOf: nestedCount,
  idOf: (repo) => repo.id,
  issueKeysOf(repo) {
    const keys: string[] = [];
    for (const c of repo.commits ?? []) keys.push(...issueKeysFrom(c));
    for (const b of repo.branches ?? []) keys.push(...issueKeysFrom(b), ...issueKeysFrom(b.lastCommit));
    for (const p of repo.pullRequests ?? []) keys.push(...issueKeysFrom(p));
    return keys;
  },
  parseResponse(body, sent) {
    const answer = decodeOrThrow(DevinfoResponseCodec, body, 'devinfo store response');
    const failed = answer.failedDevinfoEntities ?? {};
    const acceptedRepos = answer.acceptedDevinfoEntities ?? {};
    const rejected = new Map<string, readonly string[]>();
    const rejectedParts = new Map<string, RejectedParts>();
    for (const repo of sent) {
      const errors = Object.hasOwn(failed, repo.id) ? failed[repo.id] : undefined;
      const parts = errors === undefined ? { whole: [], nested: [] } : failedParts(errors);
      // A repository Jira does not mention at all stays 'failed' (outcomesFor); one it mentions is checked entity by entity.
      if (Object.hasOwn(acceptedRepos, repo.id) || parts.whole.length + parts.nested.length > 0)
        parts.nested.push(...unlisted(repo, acceptedRepos[repo.id] ?? {}, errors));
      if (parts.whole.length + parts.nested.length > 0) {
        rejected.set(repo.id, messagesOf(parts));
        rejectedParts.set(repo.id, parts);
      }
    }
    return outcomesFor(devinfoKind, sent, {
      accepted: new Set(Object.keys(acceptedRepos)),
      rejected,
      rejectedParts,
      unknownIssueKeys: unknownKeysOf(answer),
    });
  },
  entityPath: (id) => `/repository/${encodeURIComponent(id)}`,
};
