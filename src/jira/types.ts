/**
 * The public face of the Jira DevOps client. One generic engine submits every kind; each kind is a small
 * description (src/jira/kinds/*). The reconciler and the `send` commands depend only on this file.
 */
export type KindName = 'featureflags' | 'builds' | 'deployments' | 'devinfo';

/** Jira's answer for one entity of a bulk submit, or what happened to it on the way. */
export type EntityOutcome =
  | {
      readonly id: string;
      readonly status: 'accepted';
      readonly unknownIssueKeys: readonly string[];
      /** Service ids (deployments) Jira does not know; absent when none. */
      readonly unknownServices?: readonly string[];
    }
  /** Jira looked at the entity and refused it (messages from Jira). */
  | {
      readonly id: string;
      readonly status: 'rejected';
      /** For people: every message, nested ones prefixed with what they belong to ("commit <id>: …"). */
      readonly messages: readonly string[];
      readonly unknownIssueKeys: readonly string[];
      readonly unknownServices?: readonly string[];
      /** For an entity with nested ones (a devinfo repository): which of them Jira refused, as data. */
      readonly parts?: RejectedParts;
    }
  /** The request carrying it failed (400 for the whole batch, retries exhausted, network, aborted before sending). */
  | {
      readonly id: string;
      readonly status: 'failed';
      /** For people; code decides on `reason`, `httpStatus` and `retryable`, never on this text. */
      readonly error: string;
      readonly reason: FailureReason;
      /** The HTTP status of Jira's (last) answer, when one came. */
      readonly httpStatus?: number;
      /** True when no final answer came (network, timeouts, 429/5xx after every retry, aborted): worth trying later. */
      readonly retryable: boolean;
      /**
       * The request carrying it never left (no token could be had, flagsync was stopping before sending, its state could
       * not be written first): Jira holds nothing of it.
       */
      readonly unsent?: true;
    };

/** What Jira refused inside an entity with nested ones. */
export interface RejectedParts {
  /** Messages about the entity as a whole (then every nested entity of it counts as refused). */
  readonly whole: readonly string[];
  readonly nested: ReadonlyArray<{
    readonly type: NestedType;
    readonly id: string;
    readonly messages: readonly string[];
    /** Jira named it neither as accepted nor as failed: it may be stored, so it is not counted as refused. */
    readonly unlisted?: true;
  }>;
}

export type NestedType = 'commit' | 'branch' | 'pull request';

/** Why an entity got no verdict from Jira. */
export type FailureReason =
  /** Jira answered the whole request with an error status (`httpStatus`: 400, 401, 404, 413, …). */
  | 'refused'
  /** Jira answered 403: the credential lacks the kind's permission. */
  | 'forbidden'
  /** No final answer after every attempt: network, timeout, 429/5xx (`httpStatus` when the last attempt got one). */
  | 'gave-up'
  /** Not sent (or not retried) because flagsync was stopping. */
  | 'aborted'
  /** A 2xx answer whose body could not be read (`httpStatus`). */
  | 'malformed-answer'
  /** Jira's answer names the entity neither as accepted nor as rejected. */
  | 'unlisted'
  /** The entity's id cannot be put in a URL (deletes). */
  | 'bad-id'
  /** Jira refused the credentials, or the cloud id could not be resolved (`retryable` when no answer came at all). */
  | 'auth';

/** What a failed outcome says about its cause, as data. */
export type FailureCause = Pick<Extract<EntityOutcome, { status: 'failed' }>, 'reason' | 'httpStatus' | 'retryable' | 'unsent'>;

export interface SubmitReport {
  readonly outcomes: readonly EntityOutcome[];
  readonly requests: number;
}

export type DeleteOutcome =
  { readonly id: string; readonly ok: true } | ({ readonly id: string; readonly ok: false; readonly error: string } & FailureCause);

export interface SubmitOptions<E = unknown> {
  /** Jira `properties` put on every request (≤5 pairs); used later for delete-by-property cleanup. */
  readonly properties?: Readonly<Record<string, string>>;
  /** Other top-level fields of every request (devinfo `preventTransitions`/`operationType`, `providerMetadata`). */
  readonly requestFields?: Readonly<Record<string, unknown>>;
  /** When aborted, no new batch starts; batches in flight finish and are reported. Unsent entities are 'failed'. */
  readonly signal?: AbortSignal;
  /** Called after each batch completes, so callers can record accepted entities as they land. */
  readonly onBatch?: (outcomes: readonly EntityOutcome[]) => void | Promise<void>;
  /**
   * Called before a batch leaves (once per batch, not again for the halves of a 413 split); the batch is sent only
   * after it resolves. Write-ahead state marks the batch in flight here. A rejection sends nothing of the batch (its
   * entities are 'failed', stopped, with the reason).
   */
  readonly beforeSend?: (batch: readonly E[]) => Promise<void>;
}

export interface DeleteOptions {
  readonly signal?: AbortSignal;
  /** Query parameters on every delete (devinfo: `_updateSequenceId`). */
  readonly params?: Readonly<Record<string, string>>;
  /** Called as each delete ends, so callers can record it at once (not only after every delete). */
  readonly onOutcome?: (outcome: DeleteOutcome) => void | Promise<void>;
}

/** A kind description: everything the generic engine needs to know about one entity kind. */
export interface KindDescription<E> {
  readonly kind: KindName;
  /** API version in the 2LO path (devinfo is 0.1 on api.atlassian.com, not 0.10). */
  readonly version: string;
  /** Name of the array in the bulk request body: flags, builds, deployments, repositories. */
  readonly arrayField: string;
  /** Entities per request (API limit). */
  readonly maxPerRequest: number;
  /** Stable id of an entity, as used in state and outcomes. */
  readonly idOf: (entity: E) => string;
  /** Issue keys the entity is associated with (to attribute the response's unknownIssueKeys). */
  readonly issueKeysOf: (entity: E) => readonly string[];
  /** Service ids the entity links to (deployments), to attribute the response's unknown services. */
  readonly servicesOf?: (entity: E) => readonly string[];
  /** Turns a 202 body into per-entity outcomes for the entities that were sent. Throws on a malformed body. */
  readonly parseResponse: (body: unknown, sent: readonly E[]) => readonly EntityOutcome[];
  /** Path (after `/jira/{kind}/{version}/cloud/{cloudId}`) to GET or DELETE one entity by its id. */
  readonly entityPath: (id: string) => string;
  /** Weight of one entity toward maxWeightPerRequest (devinfo: its nested commits, branches and pull requests). */
  readonly weightOf?: (entity: E) => number;
  /** Cap on the summed weight of one request (devinfo: 1000 nested entities). */
  readonly maxWeightPerRequest?: number;
  /** The data-type permission a Jira admin grants on the OAuth credential; named when Jira answers 403. */
  readonly permission?: string;
}

/** What names a kind's endpoints and permission, whatever its entities: enough for URLs and messages. */
export type KindAddress = Pick<KindDescription<unknown>, 'kind' | 'version' | 'permission'>;

export interface JiraClient {
  /** Bulk-submits, batching at the kind's limits, with bounded concurrency and retries. Never throws for Jira/network
   *  errors: every entity gets an outcome. Throws only for fatal auth errors (bad credentials). */
  submit<E>(kind: KindDescription<E>, entities: readonly E[], options?: SubmitOptions<E>): Promise<SubmitReport>;
  /** Deletes by id (202 even when absent), with retries. `onOutcome` hears each delete's outcome as it comes. */
  deleteById<E>(kind: KindDescription<E>, ids: readonly string[], options?: DeleteOptions): Promise<readonly DeleteOutcome[]>;
  /** DELETE …/bulkByProperties?k=v; at least one property. */
  deleteByProperties(kind: KindAddress, properties: Readonly<Record<string, string>>): Promise<void>;
  /** Obtains a token and the cloud id (`validate --connect`); throws JiraAuthError/TokenUnavailableError naming the step. */
  connect(): Promise<{ readonly cloudId: string }>;
  /** GET one entity; undefined on 404. */
  get<E>(kind: KindDescription<E>, id: string): Promise<unknown | undefined>;
}

/** Fatal: Jira refused the credentials (token endpoint 401/403), or the cloud id cannot be resolved. */
export class JiraAuthError extends Error {
  /** `retryable`: the cloud-id lookup got no answer at all (an outage), rather than a refusal. */
  constructor(
    message: string,
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'JiraAuthError';
  }
}

/**
 * The config's Jira settings contradict each other, as only Jira can tell (jira.site's cloud id is not jira.cloudId):
 * a config error found at the first request. An auth error for everything that stops a run on it.
 */
export class JiraSettingsConflict extends JiraAuthError {
  constructor(message: string) {
    super(message);
    this.name = 'JiraSettingsConflict';
  }
}

export interface JiraClientSettings {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Default https://api.atlassian.com/oauth/token */
  readonly tokenUrl: string;
  /** Default https://api.atlassian.com */
  readonly apiBaseUrl: string;
  /** Either cloudId, or site (host like acme.atlassian.net or full base URL) to look it up via /_edge/tenant_info. */
  readonly cloudId?: string;
  readonly site?: string;
  /** Concurrent requests (default 4). */
  readonly concurrency?: number;
  /** Attempts per request including the first (default 6). */
  readonly maxAttempts?: number;
  /** Backoff base and cap in ms (default 500 ms, 30 s); Retry-After is honoured up to maxRetryAfterMs (default 120 s). */
  readonly backoffBaseMs?: number;
  readonly backoffCapMs?: number;
  readonly maxRetryAfterMs?: number;
  /** Per-request timeout in ms (default 30 s). */
  readonly requestTimeoutMs?: number;
  /** `providerMetadata.product` of every bulk request, for Atlassian's logs (default "flagsync"). */
  readonly product?: string;
  /** Payload byte cap per request before splitting (default 1 MiB); 413 also splits. */
  readonly maxPayloadBytes?: number;
}
