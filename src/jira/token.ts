import type { AxiosInstance } from 'axios';
import { isRight } from 'fp-ts/Either';
import type { Logger } from '../log';
import { TokenResponseCodec, errorMessagesOf } from './codecs';
import { describeNetworkError } from './network-error';
import { JiraAuthError } from './types';

/** The token endpoint could not give a token this time (network, 5xx, 429, malformed body): worth retrying. */
export class TokenUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenUnavailableError';
  }
}

export interface TokenProviderOptions {
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly http: AxiosInstance;
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
      response = await http.post(
        tokenUrl,
        { audience: 'api.atlassian.com', grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret },
        { validateStatus: () => true, timeout: timeoutMs, headers: { 'Content-Type': 'application/json' } },
      );
    } catch (error) {
      throw new TokenUnavailableError(`token request to ${tokenUrl} failed: ${describeNetworkError(error)}`);
    }
    const { status, data } = response;
    if (status === 401 || status === 403) {
      const detail = errorMessagesOf(data).join('; ');
      throw new JiraAuthError(
        `the token endpoint ${tokenUrl} refused OAuth client id "${clientId}" (HTTP ${status}${detail === '' ? '' : `: ${detail}`}); ` +
          'check the client id and secret of the Jira OAuth credential',
      );
    }
    if (status < 200 || status >= 300) throw new TokenUnavailableError(`token request to ${tokenUrl} answered HTTP ${status}`);
    const decoded = TokenResponseCodec.decode(data);
    if (!isRight(decoded)) throw new TokenUnavailableError(`token response from ${tokenUrl} has no access_token string`);
    const lifetimeMs = decoded.right.expires_in === undefined ? undefined : decoded.right.expires_in * 1000;
    const margin = lifetimeMs === undefined ? 0 : Math.min(this.options.refreshMarginMs ?? 60_000, lifetimeMs / 2);
    const token: CachedToken = {
      value: decoded.right.access_token,
      refreshAt: lifetimeMs === undefined ? undefined : requestedAt + lifetimeMs - margin,
    };
    logger.debug({ tokenUrl, expiresInS: decoded.right.expires_in }, 'jira: obtained access token');
    this.cached = token;
    return token;
  }
}
