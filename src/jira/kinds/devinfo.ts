import { decodeOrThrow } from '../../codec/decode';
import { DevinfoResponseCodec, type DevinfoResponse, unknownKeysOf } from '../codecs';
import type { JiraRepository } from '../payloads';
import type { KindDescription } from '../types';
import { issueKeysFrom, outcomesFor } from './outcomes';

type RepositoryErrors = NonNullable<DevinfoResponse['failedDevinfoEntities']>[string];

/**
 * Every message Jira gave for a repository, nested ones prefixed with what they belong to. Any message makes the
 * repository 'rejected': a partly stored repository is reported rather than silently counted as accepted, and
 * re-sending it is harmless because Jira keeps only higher updateSequenceIds.
 */
function messagesOf(errors: RepositoryErrors): string[] {
  const messages = (errors.errorMessages ?? []).map((m) => m.message);
  const nested = [
    ['commit', errors.commits],
    ['branch', errors.branches],
    ['pull request', errors.pullRequests],
  ] as const;
  for (const [label, list] of nested) {
    for (const entity of list ?? []) {
      const own = (entity.errorMessages ?? []).map((m) => m.message);
      messages.push(...(own.length === 0 ? [`${label} ${entity.id}: failed`] : own.map((m) => `${label} ${entity.id}: ${m}`)));
    }
  }
  return messages;
}

type RepositoryAccepted = NonNullable<DevinfoResponse['acceptedDevinfoEntities']>[string];

/**
 * A nested entity Jira lists neither as accepted nor as failed is not known to be stored: it gets a message naming
 * it, so the reconciler keeps it dirty and sends it again instead of recording it as in Jira.
 */
function unlistedMessages(repo: JiraRepository, accepted: RepositoryAccepted, errors: RepositoryErrors | undefined): string[] {
  const nested = [
    ['commit', repo.commits, accepted.commits, errors?.commits],
    ['branch', repo.branches, accepted.branches, errors?.branches],
    ['pull request', repo.pullRequests, accepted.pullRequests, errors?.pullRequests],
  ] as const;
  const messages: string[] = [];
  for (const [label, sent, acceptedIds, failed] of nested) {
    const listed = new Set([...(acceptedIds ?? []), ...(failed ?? []).map((f) => f.id)]);
    for (const entity of sent ?? []) if (!listed.has(entity.id)) messages.push(`${label} ${entity.id}: not listed as accepted by Jira`);
  }
  return messages;
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
    for (const repo of sent) {
      const errors = Object.hasOwn(failed, repo.id) ? failed[repo.id] : undefined;
      const messages = errors === undefined ? [] : messagesOf(errors);
      // A repository Jira does not mention at all stays 'failed' (outcomesFor); one it mentions is checked entity by entity.
      if (Object.hasOwn(acceptedRepos, repo.id) || messages.length > 0)
        messages.push(...unlistedMessages(repo, acceptedRepos[repo.id] ?? {}, errors));
      if (messages.length > 0) rejected.set(repo.id, messages);
    }
    return outcomesFor(devinfoKind, sent, {
      accepted: new Set(Object.keys(acceptedRepos)),
      rejected,
      unknownIssueKeys: unknownKeysOf(answer),
    });
  },
  entityPath: (id) => `/repository/${encodeURIComponent(id)}`,
};
