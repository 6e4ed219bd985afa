/** Builds API (`/jira/builds/0.1/cloud/{cloudId}/...`), keyed by pipelineId + buildNumber. */
import { isRecord } from '../entity-violations';
import { jiraError } from '../errors';
import { pathIdProblems } from '../limits';
import type { LinkedEntity } from '../issues';
import { EntityStore } from '../store';
import type { KindHandler, KindRequest, SimResponse } from '../types';
import { submitBulk, type BulkKindSpec } from './bulk';
import { deleteByProperties } from './query';

interface BuildEntity extends LinkedEntity {
  readonly pipelineId: string;
  readonly buildNumber: number;
  readonly updateSequenceNumber: number;
}

interface BuildKey {
  readonly pipelineId: string;
  readonly buildNumber: number;
}

const storageKey = (key: BuildKey) => JSON.stringify([key.pipelineId, key.buildNumber]);

const spec: BulkKindSpec<BuildEntity, BuildKey> = {
  kind: 'builds',
  arrayField: 'builds',
  schemaFiles: ['builds.submit.request.schema.json'],
  label: 'build',
  identifiable: (element) => isRecord(element) && typeof element['pipelineId'] === 'string' && Number.isInteger(element['buildNumber']),
  storageKey,
  responseKey: (build) => ({ pipelineId: build.pipelineId, buildNumber: build.buildNumber }),
  sequenceOf: (build) => build.updateSequenceNumber,
  formatResponse: (outcome) => ({
    acceptedBuilds: outcome.accepted,
    rejectedBuilds: outcome.rejected.map((r) => ({ key: r.key, errors: r.messages.map((message) => ({ message })) })),
    ...outcome.unknown,
  }),
};

export function createBuildsKind(projects: ReadonlySet<string>): KindHandler {
  const store = new EntityStore<BuildEntity>();

  function byKey(method: string, pipelineId: string, rawNumber: string): SimResponse | undefined {
    const tooLong = pathIdProblems({ pipelineId });
    if (tooLong.length > 0) return jiraError('array', 400, tooLong);
    if (!/^-?\d+$/.test(rawNumber)) return jiraError('array', 400, [`buildNumber: must be an integer, got '${rawNumber}'`]);
    const key = storageKey({ pipelineId, buildNumber: Number(rawNumber) });
    if (method === 'GET') {
      const build = store.get(key);
      return build === undefined
        ? jiraError('array', 404, [`Build ${rawNumber} of pipeline '${pipelineId}' not found`])
        : { status: 200, body: build };
    }
    if (method === 'DELETE') {
      store.delete(key);
      return { status: 202 };
    }
    return undefined;
  }

  function handle(request: KindRequest): SimResponse {
    const { method, segments } = request;
    const [first, pipelineId, buildsLiteral, buildNumber, ...rest] = segments;
    if (method === 'POST' && first === 'bulk' && segments.length === 1) return submitBulk(spec, store, projects, request.body);
    if (first === 'pipelines' && pipelineId !== undefined && buildsLiteral === 'builds' && buildNumber !== undefined && rest.length === 0) {
      const answer = byKey(method, pipelineId, buildNumber);
      if (answer !== undefined) return answer;
    }
    if (method === 'DELETE' && first === 'bulkByProperties' && segments.length === 1) return deleteByProperties(request.query, store);
    return jiraError('array', 404, [`No builds operation for ${method} ${segments.join('/')}`]);
  }

  return { kind: 'builds', errorStyle: 'array', handle, stored: () => store.values(), reset: () => store.clear() };
}
