import type * as t from 'io-ts';
import { safeUrl, SourceHttpError, type SourceHttp } from '../../src/kit';

/**
 * GETs JSON from the Unleash Admin API through the core's HTTP and decodes it. Errors name the URL and status and
 * hint at the cause; the token never appears in them.
 */
export interface AdminHttp {
  /** `path` is relative to the API root (e.g. `admin/segments`); resolves with undefined on 404 when allowed. */
  get<A>(
    path: string,
    query: Readonly<Record<string, string>>,
    codec: t.Type<A, unknown, unknown>,
    options?: { allow404?: boolean },
  ): Promise<A | undefined>;
}

const HINTS = {
  401: 'the admin token is missing, wrong or expired',
  403: 'the token lacks permission: use an admin token or a personal access token, not a client token',
};

export function createAdminHttp(apiRoot: string, token: string, http: SourceHttp, signal: AbortSignal): AdminHttp {
  const base = apiRoot.endsWith('/') ? apiRoot : `${apiRoot}/`;
  return {
    get(path, query, codec, options = {}) {
      const url = new URL(path, base);
      for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
      const request = {
        signal,
        headers: { Authorization: token },
        sourceName: 'Unleash',
        what: `Unleash GET ${safeUrl(url)} response`,
        hints: HINTS,
      };
      const answer = options.allow404 === true ? http.getJsonIfFound(url, codec, request) : http.getJson(url, codec, request);
      return answer.catch((error: unknown) => {
        // Unleash's web UI answers every other path with its HTML page: a url without /api reads as "not JSON".
        if (error instanceof SourceHttpError && error.reason === 'body' && !/\/api\/?$/.test(apiRoot))
          throw new SourceHttpError(
            error.url,
            error.reason,
            `${error.message} (is url the API root, ending in /api, e.g. https://unleash.example.com/api?)`,
            error.status,
            error.cause,
          );
        throw error;
      });
    },
  };
}
