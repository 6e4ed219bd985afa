/**
 * The api.atlassian.com product proxy: `/jira/{kind}/0.1/cloud/{cloudId}/...`. Checks in the proxy's order
 * (token → cloud → permission), then size and JSON, then hands the request to the kind.
 */
import type { KindName } from '../jira/types';
import { bearerToken } from './auth';
import { jiraError, proxyError } from './errors';
import type { RequestBody } from './http-io';
import type { SimulatorState } from './state';
import type { SimResponse } from './types';

export interface JiraCall {
  readonly method: string;
  readonly url: URL;
  readonly authorization: string | undefined;
  readonly body: RequestBody;
  /** The request's Content-Type header, if any. */
  readonly contentType?: string;
}

function decodeSegments(pathname: string): string[] | undefined {
  try {
    return pathname
      .split('/')
      .slice(1)
      .map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
}

const ARRAY_NAMES: Record<KindName, string> = {
  featureflags: 'flags',
  builds: 'builds',
  deployments: 'deployments',
  devinfo: 'repositories or entities',
};

export function routeJira(state: SimulatorState, call: JiraCall): SimResponse {
  const segments = decodeSegments(call.url.pathname);
  if (segments === undefined) return proxyError(400, 'Malformed percent-encoding in path');
  const [, kindName, version, cloudLiteral, cloudId, ...rest] = segments;
  const handler = state.kinds.get(kindName as KindName);
  if (handler === undefined || version !== '0.1' || cloudLiteral !== 'cloud' || cloudId === undefined) {
    return proxyError(404, 'Not Found');
  }
  if (!state.tokens.isValid(bearerToken(call.authorization))) return proxyError(401, 'Unauthorized');
  if (cloudId !== state.options.cloudId) return proxyError(404, `Cloud ${cloudId} not found`);
  if (!state.options.permissions.has(handler.kind)) return proxyError(403, 'Forbidden');
  if (call.body.tooLarge) {
    return jiraError(handler.errorStyle, 413, [
      `Request body of ${call.body.bytes} bytes is too large (limit ${state.options.maxBodyBytes}); submit fewer ${ARRAY_NAMES[handler.kind]} in each payload`,
    ]);
  }
  let body: unknown;
  // Every body Jira takes is JSON, declared so (FACTS: `Content-Type: application/json` on every request).
  if (call.body.text.trim() !== '' && !/^application\/json\s*(;|$)/i.test(call.contentType ?? '')) {
    return jiraError(handler.errorStyle, 415, [
      `Unsupported Media Type: expected Content-Type application/json, got ${call.contentType ?? 'none'}`,
    ]);
  }
  if (call.body.text.trim() !== '') {
    try {
      body = JSON.parse(call.body.text);
    } catch (error) {
      return jiraError(handler.errorStyle, 400, [`Malformed JSON: ${(error as Error).message}`]);
    }
  }
  return handler.handle({ method: call.method, segments: rest, query: call.url.searchParams, body });
}
