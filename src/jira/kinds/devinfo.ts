import { decodeOrThrow } from '../../codec/decode';
import { DevinfoResponseCodec, type DevinfoResponse } from '../codecs';
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
    const rejected = new Map<string, readonly string[]>();
    for (const [id, errors] of Object.entries(answer.failedDevinfoEntities ?? {})) {
      const messages = messagesOf(errors);
      if (messages.length > 0) rejected.set(id, messages);
    }
    return outcomesFor(devinfoKind, sent, {
      accepted: new Set(Object.keys(answer.acceptedDevinfoEntities ?? {})),
      rejected,
      unknownIssueKeys: answer.unknownIssueKeys ?? [],
    });
  },
  entityPath: (id) => `/repository/${encodeURIComponent(id)}`,
};
