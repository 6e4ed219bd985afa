import * as t from 'io-ts';
import type { JiraBuild, JiraDeployment } from '../jira/payloads';

/** One build or deployment as `flagsync send` submits it, and as the spool keeps it until Jira accepts it. */
export type SendEvent =
  { readonly kind: 'builds'; readonly entity: JiraBuild } | { readonly kind: 'deployments'; readonly entity: JiraDeployment };

/** What `send build|deployment` worked out besides the payload, to report to the user. */
export interface PreparedEvent {
  readonly event: SendEvent;
  readonly issueKeys: readonly string[];
  readonly warnings: readonly string[];
}

/**
 * A spool file's envelope. The entity is checked for its identity fields only: flagsync wrote it, and Jira's answer
 * (schema-validated server side) judges the rest when it is finally sent.
 */
export const SpooledEventCodec = t.type({
  version: t.literal(1),
  spooledAt: t.string,
  event: t.union([
    t.type({ kind: t.literal('builds'), entity: t.type({ pipelineId: t.string, buildNumber: t.number, updateSequenceNumber: t.number }) }),
    t.type({
      kind: t.literal('deployments'),
      entity: t.type({
        pipeline: t.type({ id: t.string }),
        environment: t.type({ id: t.string }),
        deploymentSequenceNumber: t.number,
        updateSequenceNumber: t.number,
      }),
    }),
  ]),
});

export function describeEvent(event: SendEvent): string {
  if (event.kind === 'builds') return `build ${event.entity.pipelineId} #${event.entity.buildNumber}`;
  const d = event.entity;
  return `deployment ${d.pipeline.id} #${d.deploymentSequenceNumber} to ${d.environment.id}`;
}
