/**
 * The simulator's public types (re-exported by index.ts) and the small internal request/response model that the
 * route handlers share.
 */
import type { KindName } from '../jira/types';

export type { KindName };

export interface SimulatorOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0 (random). */
  port?: number;
  /** Default 'flagsync-demo'. */
  clientId?: string;
  /** Default 'flagsync-demo-secret'. */
  clientSecret?: string;
  /** Default '11111111-2222-3333-4444-555555555555'. */
  cloudId?: string;
  /** Default 900 (the seed's 15 minutes); the token response's expires_in. */
  tokenTtlSeconds?: number;
  /** An issue key "exists" iff its project part is listed; default ['PROJ','DEMO','WEB','OPS']. */
  projects?: string[];
  /**
   * Service ids (a deployment's `serviceIdOrKeys`) the site knows; default none, as a site without a service registry.
   * An unknown one is listed in `unknownAssociations`, and a deployment linked through nothing known is rejected.
   */
  services?: string[];
  /** Data types the credential may write/read; default all four; others answer 403. */
  permissions?: KindName[];
  /** Request body cap, default 1_048_576; over it → 413 with Jira's error body. */
  maxBodyBytes?: number;
  /** Clock (ms) for token expiry; default Date.now. */
  now?: () => number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** Status answered; 0 while in flight or when a 'drop' fault destroyed the socket. */
  status: number;
}

export type Fault = { method?: string; path?: string /* substring of the path */; times?: number /* default 1 */ } & (
  | {
      type: 'status';
      status: number;
      retryAfter?: number /* seconds → Retry-After header */;
      /** Seconds from now → X-RateLimit-Reset (an ISO-8601 time, as devinfo documents its 429s). */
      rateLimitReset?: number;
      body?: unknown;
    }
  | { type: 'delay'; ms: number }
  | { type: 'drop' }
);

/**
 * What Jira would do with a devinfo entity it receives for the first time without `preventTransitions`: run smart
 * commits and workflow transitions for its issues. Recorded so tests can tell history from new work.
 */
export interface SimTransition {
  readonly repositoryId: string;
  readonly type: 'commits' | 'branches' | 'pullRequests';
  readonly id: string;
  /** The entity's issue keys that exist on the site. */
  readonly issueKeys: readonly string[];
}

export interface Simulator {
  readonly url: string;
  readonly cloudId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly requests: readonly RecordedRequest[];
  stored(kind: KindName): unknown[];
  /** Transitions devinfo triggered so far (see SimTransition). */
  transitions(): readonly SimTransition[];
  storedFlag(id: string): unknown | undefined;
  injectFault(fault: Fault): void;
  /** Drops every pending fault (the store and recorded requests stay). */
  clearFaults(): void;
  expireTokens(): void;
  clearRequests(): void;
  reset(): void;
  close(): Promise<void>;
}

export interface ResolvedOptions {
  readonly host: string;
  readonly port: number;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly cloudId: string;
  readonly tokenTtlSeconds: number;
  readonly projects: ReadonlySet<string>;
  readonly services: ReadonlySet<string>;
  readonly permissions: ReadonlySet<KindName>;
  readonly maxBodyBytes: number;
  readonly now: () => number;
}

/** What a route handler answers; the server writes it. */
export interface SimResponse {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A request to one kind's API, after authentication, routed below `/jira/{kind}/0.1/cloud/{cloudId}/`. */
export interface KindRequest {
  readonly method: string;
  /** URL-decoded path segments after the cloud id. */
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
  /** Parsed JSON body (undefined when empty). */
  readonly body: unknown;
}

export type ErrorStyle = 'array' | 'object';

export interface KindHandler {
  readonly kind: KindName;
  /** Flags, builds, deployments answer errors as a JSON array; devinfo as `{errorMessages: [...]}`. */
  readonly errorStyle: ErrorStyle;
  handle(request: KindRequest): SimResponse;
  /** Everything stored, as GET-by-key returns it. */
  stored(): unknown[];
  reset(): void;
}
