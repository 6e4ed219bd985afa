/** Feature flags API (`/jira/featureflags/0.1/cloud/{cloudId}/...`). */
import { isRecord } from '../entity-violations';
import { jiraError } from '../errors';
import { pathIdProblems } from '../limits';
import type { LinkedEntity } from '../issues';
import { EntityStore } from '../store';
import type { KindHandler, KindRequest, SimResponse } from '../types';
import { submitBulk, type BulkKindSpec } from './bulk';
import { deleteByProperties } from './query';

interface FlagEntity extends LinkedEntity {
  readonly id: string;
  readonly updateSequenceId: number;
}

const spec: BulkKindSpec<FlagEntity, string> = {
  kind: 'featureflags',
  arrayField: 'flags',
  // Both: Atlassian's spec, and the stricter oracle that catches misspelt keys Jira would silently ignore.
  schemaFiles: ['featureflags.strict.schema.json', 'featureflags.submit.request.schema.json'],
  label: 'feature flag',
  identifiable: (element) => isRecord(element) && typeof element['id'] === 'string',
  storageKey: (flag) => flag.id,
  responseKey: (flag) => flag.id,
  sequenceOf: (flag) => flag.updateSequenceId,
  formatResponse: (outcome) => ({
    acceptedFeatureFlags: outcome.accepted,
    failedFeatureFlags: Object.fromEntries(outcome.rejected.map((r) => [r.key, r.messages.map((message) => ({ message }))])),
    ...outcome.unknown,
  }),
};

export function createFeatureFlagsKind(projects: ReadonlySet<string>): KindHandler {
  const store = new EntityStore<FlagEntity>();

  function handle(request: KindRequest): SimResponse {
    const { method, segments } = request;
    const [first, second, ...rest] = segments;
    if (method === 'POST' && first === 'bulk' && second === undefined) return submitBulk(spec, store, projects, request.body);
    if (first === 'flag' && second !== undefined && rest.length === 0) {
      const tooLong = pathIdProblems({ featureFlagId: second });
      if (tooLong.length > 0) return jiraError('array', 400, tooLong);
      if (method === 'GET') {
        const flag = store.get(second);
        return flag === undefined ? jiraError('array', 404, [`Feature flag '${second}' not found`]) : { status: 200, body: flag };
      }
      if (method === 'DELETE') {
        store.delete(second);
        return { status: 202 };
      }
    }
    if (method === 'DELETE' && first === 'bulkByProperties' && second === undefined) return deleteByProperties(request.query, store);
    return jiraError('array', 404, [`No feature flag operation for ${method} ${segments.join('/')}`]);
  }

  return { kind: 'featureflags', errorStyle: 'array', handle, stored: () => store.values(), reset: () => store.clear() };
}
