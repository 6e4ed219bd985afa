import { devinfoKind } from '../jira';
import type { JiraRepository } from '../jira/payloads';
import type { KindDescription } from '../jira/types';
import { branchJiraId } from './devinfo-desired';

/**
 * Devinfo as the reconciler deletes it: the ids in state are branches and commits (`<repoId>/branch/<name>`), and
 * each maps onto Jira's deleteEntity path `/repository/{repositoryId}/{branch|commit}/{entityId}`. Submitting is
 * unchanged (repositories, via devinfoKind).
 */
export const devinfoEntityKind: KindDescription<JiraRepository> = {
  ...devinfoKind,
  entityPath(id: string): string {
    const match = /^([^/]+)\/(branch|commit)\/(.+)$/.exec(id);
    if (match === null) throw new Error(`not a devinfo entity id (expected "<repositoryId>/branch|commit/<name>"): ${id}`);
    const [, repository, type, name] = match as unknown as [string, string, 'branch' | 'commit', string];
    const entityId = type === 'branch' ? branchJiraId(name) : name;
    return `/repository/${encodeURIComponent(repository)}/${type}/${encodeURIComponent(entityId)}`;
  },
};

export const isCommitEntityId = (id: string) => /^[^/]+\/commit\//.test(id);
