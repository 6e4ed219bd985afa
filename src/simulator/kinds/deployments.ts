/** Deployments API (`/jira/deployments/0.1/cloud/{cloudId}/...`), keyed by pipeline + environment + sequence number. */
import { isRecord } from '../entity-violations';
import { jiraError } from '../errors';
import { pathIdProblems } from '../limits';
import { issueExists, type LinkedEntity } from '../issues';
import { EntityStore } from '../store';
import type { KindHandler, KindRequest, SimResponse } from '../types';
import { submitBulk, type BulkKindSpec } from './bulk';
import { deleteByProperties } from './query';

interface DeploymentEntity extends LinkedEntity {
  readonly deploymentSequenceNumber: number;
  readonly updateSequenceNumber: number;
  readonly lastUpdated: string;
  readonly pipeline: { readonly id: string };
  readonly environment: { readonly id: string };
}

interface DeploymentKey {
  readonly pipelineId: string;
  readonly environmentId: string;
  readonly deploymentSequenceNumber: number;
}

const storageKey = (key: DeploymentKey) => JSON.stringify([key.pipelineId, key.environmentId, key.deploymentSequenceNumber]);
const keyOf = (d: DeploymentEntity): DeploymentKey => ({
  pipelineId: d.pipeline.id,
  environmentId: d.environment.id,
  deploymentSequenceNumber: d.deploymentSequenceNumber,
});

const spec: BulkKindSpec<DeploymentEntity, DeploymentKey> = {
  kind: 'deployments',
  arrayField: 'deployments',
  schemaFiles: ['deployments.submit.request.schema.json'],
  label: 'deployment',
  identifiable: (element) =>
    isRecord(element) &&
    Number.isInteger(element['deploymentSequenceNumber']) &&
    isRecord(element['pipeline']) &&
    typeof element['pipeline']['id'] === 'string' &&
    isRecord(element['environment']) &&
    typeof element['environment']['id'] === 'string',
  storageKey: (d) => storageKey(keyOf(d)),
  responseKey: keyOf,
  sequenceOf: (d) => d.updateSequenceNumber,
  formatResponse: (outcome) => ({
    acceptedDeployments: outcome.accepted,
    rejectedDeployments: outcome.rejected.map((r) => ({ key: r.key, errors: r.messages.map((message) => ({ message })) })),
    ...outcome.unknown,
  }),
};

/** Gating is not simulated: a stored deployment is always 'allowed', listing its existing issue keys. */
function gatingStatus(deployment: DeploymentEntity, projects: ReadonlySet<string>): unknown {
  const keys = [
    ...(deployment.issueKeys ?? []),
    ...(deployment.associations ?? [])
      .filter((a) => a.associationType === 'issueKeys' || a.associationType === 'issueIdOrKeys')
      .flatMap((a) => a.values),
  ].filter((key): key is string => typeof key === 'string' && /^\w{1,255}-\d{1,255}$/.test(key) && issueExists(key, projects));
  return {
    ...keyOf(deployment),
    updatedTimestamp: deployment.lastUpdated,
    gatingStatus: 'allowed',
    details: [...new Set(keys)].map((issueKey) => ({
      type: 'issue',
      issueKey,
      issueLink: `https://simulated.atlassian.net/browse/${issueKey}`,
    })),
  };
}

export function createDeploymentsKind(projects: ReadonlySet<string>, services: ReadonlySet<string> = new Set()): KindHandler {
  const store = new EntityStore<DeploymentEntity>();

  function byKey(
    method: string,
    key: Omit<DeploymentKey, 'deploymentSequenceNumber'>,
    rawNumber: string,
    gating: boolean,
  ): SimResponse | undefined {
    const tooLong = pathIdProblems({ pipelineId: key.pipelineId, environmentId: key.environmentId });
    if (tooLong.length > 0) return jiraError('array', 400, tooLong);
    if (!/^-?\d+$/.test(rawNumber)) return jiraError('array', 400, [`deploymentSequenceNumber: must be an integer, got '${rawNumber}'`]);
    const storeKey = storageKey({ ...key, deploymentSequenceNumber: Number(rawNumber) });
    if (method === 'GET') {
      const deployment = store.get(storeKey);
      if (deployment === undefined)
        return jiraError('array', 404, [
          `Deployment ${rawNumber} of pipeline '${key.pipelineId}' in environment '${key.environmentId}' not found`,
        ]);
      return { status: 200, body: gating ? gatingStatus(deployment, projects) : deployment };
    }
    if (method === 'DELETE' && !gating) {
      store.delete(storeKey);
      return { status: 202 };
    }
    return undefined;
  }

  function handle(request: KindRequest): SimResponse {
    const { method, segments } = request;
    const [first, pipelineId, envLiteral, environmentId, depLiteral, number, gating, ...rest] = segments;
    if (method === 'POST' && first === 'bulk' && segments.length === 1) return submitBulk(spec, store, projects, request.body, services);
    if (
      first === 'pipelines' &&
      pipelineId !== undefined &&
      envLiteral === 'environments' &&
      environmentId !== undefined &&
      depLiteral === 'deployments' &&
      number !== undefined &&
      (gating === undefined || gating === 'gating-status') &&
      rest.length === 0
    ) {
      const answer = byKey(method, { pipelineId, environmentId }, number, gating !== undefined);
      if (answer !== undefined) return answer;
    }
    if (method === 'DELETE' && first === 'bulkByProperties' && segments.length === 1) return deleteByProperties(request.query, store);
    return jiraError('array', 404, [`No deployments operation for ${method} ${segments.join('/')}`]);
  }

  return { kind: 'deployments', errorStyle: 'array', handle, stored: () => store.values(), reset: () => store.clear() };
}
