import { decodeOrThrow } from '../../kit/decode';
import { FeatureFlagsResponseCodec, unknownKeysOf } from '../codecs';
import type { JiraFeatureFlag } from '../payloads';
import type { KindDescription } from '../types';
import { issueKeysFrom, outcomesFor } from './outcomes';

/**
 * What the client needs of a flag it sends: its id and issue keys; the rest is its JSON (a flag may make its JSON
 * only as it is serialized, see FlagStampedOnSend).
 */
export type OutgoingFlag = Pick<JiraFeatureFlag, 'id' | 'associations'>;

/** Feature flags: the id is Jira's own `id` field, so nothing needs encoding beyond the URL segment. */
export const featureFlagsKind: KindDescription<OutgoingFlag> = {
  kind: 'featureflags',
  version: '0.1',
  arrayField: 'flags',
  maxPerRequest: 100,
  permission: 'Feature flags',
  idOf: (flag) => flag.id,
  issueKeysOf: (flag) => issueKeysFrom(flag),
  parseResponse(body, sent) {
    const answer = decodeOrThrow(FeatureFlagsResponseCodec, body, 'feature flags submit response');
    return outcomesFor(featureFlagsKind, sent, {
      accepted: new Set(answer.acceptedFeatureFlags ?? []),
      rejected: new Map(Object.entries(answer.failedFeatureFlags ?? {}).map(([id, errors]) => [id, errors.map((e) => e.message)])),
      unknownIssueKeys: unknownKeysOf(answer),
    });
  },
  entityPath: (id) => `/flag/${encodeURIComponent(id)}`,
};
