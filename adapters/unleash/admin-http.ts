import type * as t from 'io-ts';
import { safeUrl, type SourceHttp } from '../../src/kit';

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
      return options.allow404 === true ? http.getJsonIfFound(url, codec, request) : http.getJson(url, codec, request);
    },
  };
}
