import { decodeOrThrow } from '../../kit/decode';
import { DeploymentsResponseCodec, unknownKeysOf, unknownServicesOf } from '../codecs';
import type { JiraDeployment } from '../payloads';
import type { KindDescription } from '../types';
import { issueKeysFrom, outcomesFor, pathSegment, servicesFrom } from './outcomes';

/**
 * A deployment's id is `<enc(pipelineId)>/<enc(environmentId)>/<deploymentSequenceNumber>` with enc =
 * encodeURIComponent, so the two raw '/' are the separators and the id maps back onto the GET/DELETE path.
 */
export function deploymentId(pipelineId: string, environmentId: string, deploymentSequenceNumber: number): string {
  return `${encodeURIComponent(pipelineId)}/${encodeURIComponent(environmentId)}/${deploymentSequenceNumber}`;
}

function parseDeploymentId(id: string): { pipeline: string; environment: string; sequence: string } {
  const match = /^([^/]+)\/([^/]+)\/(\d+)$/.exec(id);
  if (match === null) {
    throw new Error(`not a deployment id (expected "<url-encoded pipelineId>/<url-encoded environmentId>/<sequence>"): ${id}`);
  }
  return { pipeline: match[1]!, environment: match[2]!, sequence: match[3]! };
}

export const deploymentsKind: KindDescription<JiraDeployment> = {
  kind: 'deployments',
  version: '0.1',
  arrayField: 'deployments',
  maxPerRequest: 100,
  permission: 'Deployments',
  idOf: (d) => deploymentId(d.pipeline.id, d.environment.id, d.deploymentSequenceNumber),
  issueKeysOf: (d) => issueKeysFrom(d),
  servicesOf: (d) => servicesFrom(d),
  parseResponse(body, sent) {
    const answer = decodeOrThrow(DeploymentsResponseCodec, body, 'deployments submit response');
    const idOfKey = (k: { pipelineId: string; environmentId: string; deploymentSequenceNumber: number }) =>
      deploymentId(k.pipelineId, k.environmentId, k.deploymentSequenceNumber);
    return outcomesFor(deploymentsKind, sent, {
      accepted: new Set((answer.acceptedDeployments ?? []).map(idOfKey)),
      rejected: new Map((answer.rejectedDeployments ?? []).map((r) => [idOfKey(r.key), r.errors.map((e) => e.message)])),
      unknownIssueKeys: unknownKeysOf(answer),
      unknownServices: unknownServicesOf(answer),
    });
  },
  entityPath(id) {
    const { pipeline, environment, sequence } = parseDeploymentId(id);
    return `/pipelines/${pathSegment(pipeline)}/environments/${pathSegment(environment)}/deployments/${sequence}`;
  },
};
