/** Development information API (`/jira/devinfo/0.1/cloud/{cloudId}/...`; 0.10 on the site, 0.1 on the proxy). */
import { jiraError } from '../errors';
import type { KindHandler, KindRequest, SimResponse, SimTransition } from '../types';
import { DevinfoStore, type EntityType } from './devinfo-store';
import { submitDevinfo } from './devinfo-submit';
import { propertiesFromQuery, updateSequenceIdFromQuery } from './query';

const PATH_ENTITY_TYPES: Record<string, EntityType> = { commit: 'commits', branch: 'branches', pull_request: 'pullRequests' };

export function createDevinfoKind(projects: ReadonlySet<string>, transitions: SimTransition[]): KindHandler {
  const store = new DevinfoStore();

  function deletion(request: KindRequest, remove: (maxSequence: number | undefined) => void): SimResponse {
    const sequence = updateSequenceIdFromQuery(request.query);
    if (!sequence.ok) return jiraError('object', 400, [sequence.problem]);
    remove(sequence.value);
    return { status: 202 };
  }

  function handle(request: KindRequest): SimResponse {
    const { method, segments } = request;
    const [first, repositoryId, typeSegment, entityId, ...rest] = segments;
    if (method === 'POST' && first === 'bulk' && segments.length === 1) return submitDevinfo(store, projects, request.body, transitions);
    if (first === 'repository' && repositoryId !== undefined && typeSegment === undefined) {
      if (method === 'GET') {
        const repository = store.getRepository(repositoryId);
        return repository === undefined
          ? jiraError('object', 404, [`Repository '${repositoryId}' not found`])
          : { status: 200, body: repository };
      }
      if (method === 'DELETE') return deletion(request, (max) => store.deleteRepository(repositoryId, max));
    }
    if (
      method === 'DELETE' &&
      first === 'repository' &&
      repositoryId !== undefined &&
      typeSegment !== undefined &&
      entityId !== undefined &&
      rest.length === 0
    ) {
      const type = PATH_ENTITY_TYPES[typeSegment];
      if (type === undefined)
        return jiraError('object', 400, [`entityType must be one of commit, branch, pull_request, got '${typeSegment}'`]);
      return deletion(request, (max) => store.deleteEntity(repositoryId, type, entityId, max));
    }
    if ((first === 'bulkByProperties' && method === 'DELETE') || (first === 'existsByProperties' && method === 'GET')) {
      if (segments.length !== 1) return jiraError('object', 404, [`No devinfo operation for ${method} ${segments.join('/')}`]);
      const query = propertiesFromQuery(request.query, true);
      if (!query.ok) return jiraError('object', 400, query.problems);
      if (first === 'existsByProperties') return { status: 200, body: { hasDataMatchingProperties: store.anyMatching(query.properties) } };
      // `_updateSequenceId` "is no longer supported" here (swagger): still 400 when not numeric, otherwise ignored.
      return deletion(request, () => store.deleteMatching(query.properties));
    }
    return jiraError('object', 404, [`No devinfo operation for ${method} ${segments.join('/')}`]);
  }

  return { kind: 'devinfo', errorStyle: 'object', handle, stored: () => store.all(), reset: () => store.clear() };
}
