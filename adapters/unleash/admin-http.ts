import type * as t from 'io-ts';
import { decodeOrThrow } from '../../src/kit';

/**
 * GETs JSON from the Unleash Admin API and decodes it. Errors name the URL and status and hint at the cause; the
 * token never appears in them.
 */
export class UnleashHttpError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'UnleashHttpError';
  }
}

export interface AdminHttp {
  /** `path` is relative to the API root (e.g. `admin/segments`); resolves with undefined on 404 when allowed. */
  get<A>(
    path: string,
    query: Readonly<Record<string, string>>,
    codec: t.Type<A, unknown, unknown>,
    options?: { allow404?: boolean },
  ): Promise<A | undefined>;
}

function hintFor(status: number): string {
  if (status === 401) return ' (the admin token is missing, wrong or expired)';
  if (status === 403) return ' (the token lacks permission: use an admin token or a personal access token, not a client token)';
  return '';
}

function describeNetworkError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}

export function createAdminHttp(apiRoot: string, token: string, signal: AbortSignal): AdminHttp {
  const base = apiRoot.endsWith('/') ? apiRoot : `${apiRoot}/`;
  return {
    async get(path, query, codec, options = {}) {
      const url = new URL(path, base);
      for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
      const shown = `${url.origin}${url.pathname}`;
      let res: Response;
      try {
        res = await fetch(url, { headers: { Authorization: token, Accept: 'application/json' }, signal });
      } catch (err) {
        if (signal.aborted) throw new UnleashHttpError(`GET ${shown} aborted`);
        throw new UnleashHttpError(`cannot reach Unleash at ${shown}: ${describeNetworkError(err)}`);
      }
      if (res.status === 404 && options.allow404 === true) {
        await res.body?.cancel();
        return undefined;
      }
      if (!res.ok) {
        await res.body?.cancel();
        throw new UnleashHttpError(`GET ${shown} answered ${res.status} ${res.statusText}${hintFor(res.status)}`, res.status);
      }
      let body: unknown;
      try {
        body = await res.json();
      } catch (err) {
        if (signal.aborted) throw new UnleashHttpError(`GET ${shown} aborted`);
        throw new UnleashHttpError(`GET ${shown} answered ${res.status} with a body that is not JSON`);
      }
      return decodeOrThrow(codec, body, `Unleash GET ${shown} response`);
    },
  };
}
