import type { AxiosInstance } from 'axios';
import { isRight } from 'fp-ts/Either';
import { registerShortLivedSecret, type Logger } from '../log';
import { AccessTokenCodec, expiresInOf, oauthErrorText } from './codecs';
import { describeNetworkError } from './network-error';
import { parseRateLimitReset, parseRetryAfter } from './retry-after';
import { JiraAuthError } from './types';

/** The token endpoint could not give a token this time (network, 5xx, 408, 429, malformed body): worth retrying. */
/** Jira Cloud's token endpoint, named when a configured one is not there (client.ts holds the default in use). */
const DEFAULT_TOKEN_URL_TEXT = 'https://api.atlassian.com/oauth/token';

export class TokenUnavailableError extends Error {
  /** How long the token endpoint asked to wait (Retry-After, or a 429's X-RateLimit-Reset), when it said. */
  readonly retryAfterMs?: number;

  constructor(message: string, retryAfterMs?: number) {
    super(message);
    this.name = 'TokenUnavailableError';
    if (retryAfterMs !== undefined) this.retryAfterMs = retryAfterMs;
  }
}

export interface TokenProviderOptions {
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The instance the token request goes through, asked for when one is needed (see createJiraClient). */
  readonly http: () => AxiosInstance;
  readonly now: () => number;
  readonly logger: Logger;
  readonly timeoutMs: number;
  /** Refresh this long before expiry (default 60 s, at most half the lifetime). */
  readonly refreshMarginMs?: number;
}

interface CachedToken {
  readonly value: string;
  /** When to stop using it; undefined when the endpoint gave no expires_in (then a 401 is the only signal). */
  readonly refreshAt: number | undefined;
}

/**
 * OAuth 2.0 client-credentials tokens for the Jira DevOps APIs, kept in memory only. Concurrent callers that need a
 * new token share one request to the token endpoint.
 */
export class TokenProvider {
  private cached: CachedToken | undefined;
  private pending: Promise<CachedToken> | undefined;

  constructor(private readonly options: TokenProviderOptions) {}

  async getToken(): Promise<string> {
    const cached = this.cached;
    if (cached !== undefined && (cached.refreshAt === undefined || this.options.now() < cached.refreshAt)) return cached.value;
    if (this.pending === undefined) {
      this.pending = this.fetchToken().finally(() => {
        this.pending = undefined;
      });
    }
    return (await this.pending).value;
  }

  /** Drops the token after Jira refused it; a token refreshed meanwhile by another caller is kept. */
  invalidate(token: string): void {
    if (this.cached?.value === token) this.cached = undefined;
  }

  private async fetchToken(): Promise<CachedToken> {
    const { tokenUrl, clientId, clientSecret, http, now, logger, timeoutMs } = this.options;
    const requestedAt = now();
    let response;
    try {
      response = await http().post(
        tokenUrl,
        { audience: 'api.atlassian.com', grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret },
        { validateStatus: () => true, timeout: timeoutMs, headers: { 'Content-Type': 'application/json' } },
      );
    } catch (error) {
      throw new TokenUnavailableError(`token request to ${tokenUrl} failed: ${describeNetworkError(error)}`);
    }
    const { status, data, headers } = response;
    if (status < 200 || status >= 300) throw this.failure(status, data, headers as Readonly<Record<string, unknown>>);
    const decoded = AccessTokenCodec.decode(data);
    if (!isRight(decoded)) throw new TokenUnavailableError(`token response from ${tokenUrl} has no access_token string`);
    const expiresIn = expiresInOf(data);
    const lifetimeMs = expiresIn === undefined ? undefined : expiresIn * 1000;
    const margin = lifetimeMs === undefined ? 0 : Math.min(this.options.refreshMarginMs ?? 60_000, lifetimeMs / 2);
    // A proxy or an error body may echo the Authorization header back: the token is redacted like any secret.
    registerShortLivedSecret(decoded.right.access_token);
    const token: CachedToken = {
      value: decoded.right.access_token,
      refreshAt: lifetimeMs === undefined ? undefined : requestedAt + lifetimeMs - margin,
    };
    logger.debug({ tokenUrl, expiresInS: expiresIn }, 'jira: obtained access token');
    this.cached = token;
    return token;
  }

  /**
   * Only 408, 429 and 5xx are outages worth retrying; any other refusal (401/403 bad credentials, 400
   * invalid_client, 404 wrong tokenUrl) stays the same on every retry, so it is fatal and says why.
   */
  private failure(status: number, data: unknown, headers: Readonly<Record<string, unknown>> = {}): Error {
    const { tokenUrl, clientId, clientSecret } = this.options;
    // An endpoint may echo the request back; the secret must not ride along in the message.
    const raw = oauthErrorText(data);
    const text = clientSecret === '' ? raw : raw.split(clientSecret).join('[REDACTED]');
    const detail = text === '' ? '' : `: ${text}`;
    if (status < 400 || status >= 500 || status === 408 || status === 429) {
      // Asking again sooner than told earns an equal or longer wait: the retry honours it, as for Jira's own 429s.
      const now = this.options.now();
      const wait =
        parseRetryAfter(headers['retry-after'], now) ??
        (status === 429 ? parseRateLimitReset(headers['x-ratelimit-reset'], now) : undefined);
      return new TokenUnavailableError(`token request to ${tokenUrl} answered HTTP ${status}${detail}`, wait);
    }
    if (status === 404) {
      // Nothing at that URL: the credentials were never looked at, so do not blame the client id.
      return new JiraAuthError(
        `the token endpoint ${tokenUrl} answered HTTP 404${detail}: the URL is wrong, no OAuth token endpoint is there; check jira.tokenUrl (Jira Cloud's is ${DEFAULT_TOKEN_URL_TEXT})`,
      );
    }
    const hint =
      status === 401 || status === 403
        ? 'check the client id and secret of the Jira OAuth credential'
        : 'check jira.tokenUrl and the client id and secret of the Jira OAuth credential';
    return new JiraAuthError(`the token endpoint ${tokenUrl} refused OAuth client id "${clientId}" (HTTP ${status}${detail}); ${hint}`);
  }
}
