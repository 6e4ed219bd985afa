import type { AxiosInstance } from 'axios';
import { loadAxios } from './load-axios';
import { silentLogger, type Logger } from '../log';
import type { CircuitBreaker } from './breaker';
import { CloudIdResolver } from './cloud-id';
import { errorMessagesOf } from './codecs';
import { JiraHttp, type JiraResult } from './http';
import { runPool } from './pool';
import { ABORTED, failureCause } from './failure';
import { forbiddenMessage, submitEntities } from './submit';
import { TokenProvider } from './token';
import type { DeleteOutcome, JiraClient, JiraClientSettings, KindAddress } from './types';

export const DEFAULT_TOKEN_URL = 'https://api.atlassian.com/oauth/token';
export const DEFAULT_API_BASE_URL = 'https://api.atlassian.com';

export interface JiraClientDeps {
  readonly logger?: Logger;
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random?: () => number;
  /** Shared by every request of this client; see CircuitBreaker. */
  readonly breaker?: CircuitBreaker;
}

/** A GET or DELETE that Jira answered with something other than success; names the request, never the token. */
export class JiraRequestError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    /**
     * Jira answered with an error and no earlier attempt can have been acted on: the request did nothing. False when
     * no answer came (Jira may have acted) or an earlier attempt's answer was lost.
     */
    readonly nothingDone = false,
  ) {
    super(message);
    this.name = 'JiraRequestError';
  }
}

function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function describeFailure(result: JiraResult, where: string): string {
  if (result.type === 'gave-up') return result.reason;
  const messages = errorMessagesOf(result.body);
  return `${where}: HTTP ${result.status}${messages.length === 0 ? '' : `: ${messages.join('; ')}`}`;
}

/**
 * Jira answers 202 to a delete even when nothing is stored (deletes are asynchronous), so a 404 never means "already
 * gone": the request missed the API, usually a wrong cloud id or apiBaseUrl.
 */
function describeDeleteFailure(result: JiraResult, url: string): string {
  if (result.type === 'answer' && result.status === 404) {
    return `DELETE ${url}: HTTP 404, the URL was not found (check jira.cloudId / site and jira.apiBaseUrl); nothing was deleted`;
  }
  return describeFailure(result, `DELETE ${url}`);
}

const isSuccess = (result: JiraResult) => result.type === 'answer' && result.status >= 200 && result.status < 300;

export function createJiraClient(settings: JiraClientSettings, deps: JiraClientDeps = {}): JiraClient {
  const logger = deps.logger ?? silentLogger;
  const now = deps.now ?? Date.now;
  const requestTimeoutMs = settings.requestTimeoutMs ?? 30_000;
  // axios (with form-data, proxy agents, http2: ~40 ms of loading) is required at the first request, not at start: a
  // run whose sources are all unchanged sends nothing.
  let instance: AxiosInstance | undefined;
  const axiosInstance = (): AxiosInstance => (instance ??= loadAxios().default.create());
  const tokens = new TokenProvider({
    tokenUrl: settings.tokenUrl || DEFAULT_TOKEN_URL,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    http: axiosInstance,
    now,
    logger,
    timeoutMs: requestTimeoutMs,
  });
  const http = new JiraHttp({
    axios: axiosInstance,
    tokens,
    logger,
    now,
    sleep: deps.sleep ?? realSleep,
    random: deps.random ?? Math.random,
    breaker: deps.breaker,
    policy: {
      maxAttempts: Math.max(1, settings.maxAttempts ?? 6),
      backoffBaseMs: settings.backoffBaseMs ?? 500,
      backoffCapMs: settings.backoffCapMs ?? 30_000,
      maxRetryAfterMs: settings.maxRetryAfterMs ?? 120_000,
      requestTimeoutMs,
    },
  });
  const cloudIds = new CloudIdResolver(settings, http);
  const apiBaseUrl = (settings.apiBaseUrl || DEFAULT_API_BASE_URL).replace(/\/+$/, '');
  const concurrency = Math.max(1, settings.concurrency ?? 4);
  const baseUrlOf = async (kind: KindAddress) =>
    `${apiBaseUrl}/jira/${kind.kind}/${kind.version}/cloud/${encodeURIComponent(await cloudIds.get())}`;

  return {
    async submit(kind, entities, options) {
      if (entities.length === 0) return { outcomes: [], requests: 0 };
      const ctx = {
        http,
        logger,
        concurrency,
        maxPayloadBytes: settings.maxPayloadBytes ?? 1024 * 1024,
        product: settings.product ?? 'flagsync',
        breaker: deps.breaker,
      };
      return submitEntities(ctx, kind, await baseUrlOf(kind), entities, options);
    },

    async deleteById(kind, ids, options) {
      if (ids.length === 0) return [];
      const base = await baseUrlOf(kind);
      const outcomes = new Map<string, DeleteOutcome>();
      let forbidden: string | undefined;
      const unstarted = await runPool(
        ids,
        concurrency,
        async (id) => {
          let url: string;
          try {
            url = `${base}${kind.entityPath(id)}`;
          } catch (error) {
            const error_ = error instanceof Error ? error.message : String(error);
            outcomes.set(id, { id, ok: false, error: error_, reason: 'bad-id', retryable: false });
            return;
          }
          if (forbidden !== undefined)
            return void outcomes.set(id, { id, ok: false, error: forbidden, reason: 'forbidden', httpStatus: 403, retryable: false });
          const result = await http.send({ method: 'DELETE', url, params: options?.params, auth: true, signal: options?.signal });
          const record = async (outcome: DeleteOutcome) => {
            outcomes.set(id, outcome);
            await options?.onOutcome?.(outcome);
          };
          if (isSuccess(result)) return record({ id, ok: true });
          const cause = failureCause(result);
          const refusedAs403 = result.type === 'answer' && result.status === 403;
          if (refusedAs403) forbidden ??= forbiddenMessage(kind, `DELETE ${url}`);
          // 404 to a delete: the URL is wrong (cloud id, apiBaseUrl), and every other request will hit it too.
          if (cause.httpStatus === 404) deps.breaker?.failure(describeDeleteFailure(result, url));
          const error = refusedAs403 && forbidden !== undefined ? forbidden : describeDeleteFailure(result, url);
          await record({ id, ok: false, error, ...cause });
        },
        () => options?.signal?.aborted === true,
      );
      for (const id of unstarted) outcomes.set(id, { id, ok: false, error: 'aborted', ...ABORTED });
      return ids.map((id) => outcomes.get(id)!);
    },

    async deleteByProperties(kind, properties) {
      if (Object.keys(properties).length === 0) throw new Error(`deleteByProperties for ${kind.kind} needs at least one property`);
      const url = `${await baseUrlOf(kind)}/bulkByProperties`;
      const result = await http.send({ method: 'DELETE', url, params: properties, auth: true });
      if (isSuccess(result)) return;
      const status = result.type === 'answer' ? result.status : undefined;
      const nothingDone = result.type === 'answer' && result.afterLostAnswer !== true;
      if (status === 403) throw new JiraRequestError(forbiddenMessage(kind, `DELETE ${url}`), status, nothingDone);
      throw new JiraRequestError(describeFailure(result, `DELETE ${url}`), status, nothingDone);
    },

    async connect() {
      await tokens.getToken();
      return { cloudId: await cloudIds.get() };
    },

    async get(kind, id) {
      const url = `${await baseUrlOf(kind)}${kind.entityPath(id)}`;
      const result = await http.send({ method: 'GET', url, auth: true });
      if (result.type === 'answer' && result.status === 200) return result.body;
      if (result.type === 'answer' && result.status === 404) return undefined;
      const status = result.type === 'answer' ? result.status : undefined;
      if (status === 403) throw new JiraRequestError(forbiddenMessage(kind, `GET ${url}`), status);
      throw new JiraRequestError(describeFailure(result, `GET ${url}`), status);
    },
  };
}
