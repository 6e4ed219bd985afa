import type { AxiosInstance, AxiosResponse } from 'axios';
import type { Logger } from '../log';
import type { CircuitBreaker } from './breaker';
import { describeNetworkError, isAxiosError } from './network-error';
import { backoffDelay, parseRateLimitReset, parseRetryAfter } from './retry-after';
import { TokenProvider, TokenUnavailableError } from './token';

/**
 * The one place that sends requests to Jira and decides about retries:
 * - 429, 5xx, network errors and timeouts are retried with full-jitter exponential backoff, or after Retry-After
 *   (seconds or HTTP date) when Jira gives one; a Retry-After beyond the cap ends the attempts instead of hammering.
 * - a 401 drops the token and retries once with a fresh one (not counted as an attempt);
 * - any other status is the final answer, classified by the caller (400/403/404/413 are never retried here);
 * - an aborted request's signal ends any wait at once and sends no further attempt.
 */
export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly backoffBaseMs: number;
  readonly backoffCapMs: number;
  readonly maxRetryAfterMs: number;
  readonly requestTimeoutMs: number;
}

export interface JiraRequest {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly url: string;
  /** The JSON body: a value to serialize, or a Buffer holding JSON already serialized (sent as it is). */
  readonly data?: unknown;
  readonly params?: Readonly<Record<string, string>>;
  /** false for the unauthenticated tenant_info lookup. */
  readonly auth: boolean;
  /**
   * Once aborted, no retry is sent and a backoff or Retry-After wait ends at once (gave-up, reason 'aborted'). An
   * exchange already on the wire is left to finish, so its answer (what Jira stored) is not lost.
   */
  readonly signal?: AbortSignal;
}

export type JiraResult =
  | {
      readonly type: 'answer';
      readonly status: number;
      readonly body: unknown;
      readonly attempts: number;
      readonly requests: number;
      /**
       * An earlier attempt reached Jira (or may have) and its answer never came: the connection broke, it timed out,
       * or a 5xx came back (a gateway may answer so after Jira acted). An error status now says nothing about what
       * that attempt did, so it must not be taken for "Jira stored nothing".
       */
      readonly afterLostAnswer?: true;
    }
  | {
      readonly type: 'gave-up';
      readonly reason: string;
      readonly attempts: number;
      readonly requests: number;
      /** Given up because the request was aborted (before its first attempt or between attempts). */
      readonly aborted: boolean;
      /** The status of the last answer (429, 5xx), when the last attempt got one. */
      readonly status?: number;
    };

export interface JiraHttpDeps {
  /** The instance requests go through, asked for at each request (made at the first: see createJiraClient). */
  readonly axios: () => AxiosInstance;
  readonly tokens: TokenProvider;
  readonly policy: RetryPolicy;
  readonly logger: Logger;
  readonly now: () => number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random: () => number;
  /** Told about every final outcome; opens (and stops the run) when Jira or the token endpoint keeps failing. */
  readonly breaker?: CircuitBreaker;
}

// A function, not an inline test: TypeScript would keep `aborted` narrowed to false across the awaits in between.
const isAborted = (signal: AbortSignal | undefined) => signal?.aborted === true;

const isRetryableStatus = (status: number) => status === 429 || status >= 500;

export class JiraHttp {
  constructor(private readonly deps: JiraHttpDeps) {}

  /** Sends with retries. Resolves with the final answer or the reason it gave up; throws only JiraAuthError. */
  async send(request: JiraRequest): Promise<JiraResult> {
    const { policy, logger, tokens } = this.deps;
    const where = `${request.method} ${request.url}`;
    let attempts = 0;
    // Attempts count toward maxAttempts; the one retry after a 401 does not, but it is a request Jira received.
    let requests = 0;
    let lostAnswer = false;
    let refreshed = false;
    const aborted = (): JiraResult => ({ type: 'gave-up', reason: 'aborted', attempts, requests, aborted: true });
    const gaveUp = (reason: string, status: number | undefined, tokenFailure?: string): JiraResult => {
      // Requests that give up together after the breaker opened are part of the stop, not failures of their own.
      if (this.deps.breaker?.reason !== undefined) return aborted();
      if (tokenFailure !== undefined) {
        // A token endpoint that failed every attempt fails every other request the same way: the run stops, and
        // this request (which never left without a token) is simply not sent.
        this.deps.breaker?.trip(`the token endpoint cannot issue a token: ${tokenFailure} (${attempts} attempt(s))`);
        if (this.deps.breaker !== undefined) return aborted();
      } else this.deps.breaker?.failure(reason);
      return { type: 'gave-up', reason, attempts, requests, aborted: false, ...(status === undefined ? {} : { status }) };
    };
    for (;;) {
      if (isAborted(request.signal)) return aborted();
      attempts++;
      let token: string | undefined;
      let response: AxiosResponse | undefined;
      let failure: string;
      let tokenFailure = false;
      let tokenWaitMs: number | undefined;
      try {
        token = request.auth ? await tokens.getToken() : undefined;
        requests++;
        response = await this.attempt(request, token);
        failure = `HTTP ${response.status}`;
      } catch (error) {
        // validateStatus accepts every status, so an axios error here means no HTTP answer arrived.
        if (!(error instanceof TokenUnavailableError) && !isAxiosError(error)) throw error;
        tokenFailure = error instanceof TokenUnavailableError;
        if (error instanceof TokenUnavailableError) tokenWaitMs = error.retryAfterMs;
        failure = error instanceof TokenUnavailableError ? error.message : describeNetworkError(error);
      }
      logger.debug({ method: request.method, url: request.url, attempt: attempts, result: failure }, 'jira: request');

      if (response !== undefined && response.status === 401 && token !== undefined && !refreshed) {
        tokens.invalidate(token);
        refreshed = true;
        attempts--;
        logger.warn({ method: request.method, url: request.url }, 'jira: 401, retrying once with a fresh token');
        continue;
      }
      if (response !== undefined && !isRetryableStatus(response.status)) {
        if (response.status >= 200 && response.status < 300) this.deps.breaker?.success();
        else if (response.status === 401) this.deps.breaker?.failure(`${where}: HTTP 401 even with a freshly issued token`);
        const answer = { type: 'answer', status: response.status, body: response.data, attempts, requests } as const;
        return lostAnswer ? { ...answer, afterLostAnswer: true } : answer;
      }
      // Without a token the request never left; a 429 is Jira declining to act.
      if (!tokenFailure && (response === undefined || response.status >= 500)) lostAnswer = true;
      if (attempts >= policy.maxAttempts)
        return gaveUp(`${where}: ${failure} after ${attempts} attempt(s)`, response?.status, tokenFailure ? failure : undefined);
      const backoff = backoffDelay(attempts, policy.backoffBaseMs, policy.backoffCapMs, this.deps.random);
      const retryAfter = response === undefined ? tokenWaitMs : parseRetryAfter(response.headers['retry-after'], this.deps.now());
      // A 429 without Retry-After may still say when its window resets; a reset already past (clocks differ) is no
      // reason to retry back to back, so the backoff stands as the least wait.
      const reset =
        retryAfter === undefined && response?.status === 429
          ? parseRateLimitReset(response.headers['x-ratelimit-reset'], this.deps.now())
          : undefined;
      const asked = retryAfter ?? reset;
      if (asked !== undefined && asked > policy.maxRetryAfterMs) {
        const header =
          tokenWaitMs !== undefined ? "the token endpoint's Retry-After" : retryAfter !== undefined ? 'Retry-After' : 'X-RateLimit-Reset';
        const who = tokenWaitMs !== undefined ? 'the token endpoint' : 'Jira';
        return gaveUp(
          `${where}: ${failure}; ${who} asked to wait ${Math.ceil(asked / 1000)} s (${header}), over the ${Math.ceil(policy.maxRetryAfterMs / 1000)} s cap`,
          response?.status,
          tokenFailure ? failure : undefined,
        );
      }
      if (isAborted(request.signal)) return aborted();
      // What Jira asks is the least wait, never less than the backoff: `Retry-After: 0`, or a date already past (clocks
      // differ), would otherwise spend every attempt back to back.
      const delay = Math.max(asked ?? 0, backoff);
      logger.warn({ method: request.method, url: request.url, attempt: attempts, result: failure, delayMs: delay }, 'jira: retrying');
      await this.deps.sleep(delay, request.signal);
    }
  }

  private async attempt(request: JiraRequest, token: string | undefined): Promise<AxiosResponse> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (token !== undefined) headers.Authorization = `Bearer ${token}`;
    if (request.data !== undefined) headers['Content-Type'] = 'application/json';
    const response = await this.deps.axios().request({
      method: request.method,
      url: request.url,
      data: request.data,
      params: request.params,
      headers,
      timeout: this.deps.policy.requestTimeoutMs,
      // Statuses are classified above, not thrown by axios.
      validateStatus: () => true,
    });
    // axios leaves a keep-alive socket holding its last exchange (request, response, config) until the socket's next
    // request. Through the config that kept the body (a Buffer, memory outside the JS heap) past young collections,
    // and only full ones free it: 140 MB of bodies at 100k flags forced two of them. The answer is in; drop the body.
    response.config.data = undefined;
    return response;
  }
}
