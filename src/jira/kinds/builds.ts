import { decodeOrThrow } from '../../kit/decode';
import { BuildsResponseCodec, unknownKeysOf } from '../codecs';
import type { JiraBuild } from '../payloads';
import type { KindDescription } from '../types';
import { issueKeysFrom, outcomesFor, pathSegment } from './outcomes';

/**
 * A build's id is `<encodeURIComponent(pipelineId)>/<buildNumber>`: the pipeline id is URL-encoded (it may hold
 * spaces and '/'), so the only raw '/' is the separator and the id turns back into the GET/DELETE path unambiguously.
 */
export function buildId(pipelineId: string, buildNumber: number): string {
  return `${encodeURIComponent(pipelineId)}/${buildNumber}`;
}

function parseBuildId(id: string): { pipeline: string; buildNumber: string } {
  const match = /^([^/]+)\/(\d+)$/.exec(id);
  if (match === null) throw new Error(`not a build id (expected "<url-encoded pipelineId>/<buildNumber>"): ${id}`);
  return { pipeline: match[1]!, buildNumber: match[2]! };
}

export const buildsKind: KindDescription<JiraBuild> = {
  kind: 'builds',
  version: '0.1',
  arrayField: 'builds',
  maxPerRequest: 100,
  permission: 'Builds',
  idOf: (build) => buildId(build.pipelineId, build.buildNumber),
  issueKeysOf: (build) => issueKeysFrom(build),
  parseResponse(body, sent) {
    const answer = decodeOrThrow(BuildsResponseCodec, body, 'builds submit response');
    return outcomesFor(buildsKind, sent, {
      accepted: new Set((answer.acceptedBuilds ?? []).map((k) => buildId(k.pipelineId, k.buildNumber))),
      rejected: new Map(
        (answer.rejectedBuilds ?? []).map((r) => [buildId(r.key.pipelineId, r.key.buildNumber), r.errors.map((e) => e.message)]),
      ),
      unknownIssueKeys: unknownKeysOf(answer),
    });
  },
  entityPath(id) {
    const { pipeline, buildNumber } = parseBuildId(id);
    return `/pipelines/${pathSegment(pipeline)}/builds/${buildNumber}`;
  },
};
