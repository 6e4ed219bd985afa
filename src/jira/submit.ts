import type { Logger } from '../log';
import type { CircuitBreaker } from './breaker';
import { BatchCursor, bodyOf, envelopeOf, halveBatch, type Batch } from './batch';
import { errorMessagesOf } from './codecs';
import type { JiraHttp } from './http';
import { drainPool } from './pool';
import { failureCause, NOT_SENT } from './failure';
import type { EntityOutcome, FailureCause, KindAddress, KindDescription, SubmitOptions, SubmitReport } from './types';

export interface SubmitContext {
  readonly http: JiraHttp;
  readonly logger: Logger;
  readonly concurrency: number;
  readonly maxPayloadBytes: number;
  /** providerMetadata.product on every request (requestFields may give a more specific one). */
  readonly product: string;
  readonly breaker?: CircuitBreaker;
}

const failedAll = <E>(kind: KindDescription<E>, batch: readonly E[], error: string, cause: FailureCause): EntityOutcome[] =>
  batch.map((entity) => ({ id: kind.idOf(entity), status: 'failed', error, ...cause }));

/** Why a 403 happened and what to do about it: the OAuth credential lacks this data type's permission. */
export function forbiddenMessage(kind: KindAddress, where: string): string {
  const permission = kind.permission ?? kind.kind;
  return (
    `Jira answered 403 to ${where}: the OAuth credential lacks the "${permission}" permission; a Jira admin must grant it ` +
    'to this credential (Jira settings > Apps > OAuth credentials)'
  );
}

/**
 * The generic bulk submitter behind every kind. Batches at the kind's limits and the byte cap, sends with bounded
 * concurrency, and turns every answer (or failure) into per-entity outcomes; only JiraAuthError escapes.
 */
export async function submitEntities<E>(
  ctx: SubmitContext,
  kind: KindDescription<E>,
  baseUrl: string,
  entities: readonly E[],
  options: SubmitOptions<E> = {},
): Promise<SubmitReport> {
  const url = `${baseUrl}/bulk`;
  const where = `POST ${url}`;
  // Every request's body is its own buffer, made from this envelope and the JSON of its own entities (bodyOf).
  const envelope = envelopeOf(
    {
      providerMetadata: { product: ctx.product },
      ...options.requestFields,
      [kind.arrayField]: [],
      ...(options.properties === undefined ? {} : { properties: options.properties }),
    },
    kind.arrayField,
  );
  const cursor = new BatchCursor(
    entities,
    {
      maxCount: kind.maxPerRequest,
      maxWeight: kind.maxWeightPerRequest,
      weightOf: kind.weightOf?.bind(kind),
      maxBytes: ctx.maxPayloadBytes,
    },
    envelope,
  );
  let requests = 0;
  let forbidden: string | undefined;
  const forbiddenCause: FailureCause = { reason: 'forbidden', httpStatus: 403, retryable: false };

  const send = async (taken: Batch<E>): Promise<EntityOutcome[]> => {
    const batch = taken.entities;
    if (forbidden !== undefined) return failedAll(kind, batch, forbidden, forbiddenCause);
    // The pool starts no batch after an abort; this also stops the halves of a 413 split.
    if (options.signal?.aborted === true) return failedAll(kind, batch, 'aborted', NOT_SENT);
    const result = await ctx.http.send({ method: 'POST', url, data: bodyOf(envelope, taken), auth: true, signal: options.signal });
    requests += result.requests;
    if (result.type === 'gave-up') return failedAll(kind, batch, result.reason, failureCause(result));
    const { status, body } = result;
    if (status >= 200 && status < 300) {
      try {
        return [...kind.parseResponse(body, batch)];
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        const cause: FailureCause = { reason: 'malformed-answer', httpStatus: status, retryable: false };
        return failedAll(kind, batch, `malformed answer to ${where} (HTTP ${status}): ${reason}`, cause);
      }
    }
    if (status === 413 && batch.length > 1) {
      const [first, second] = halveBatch(taken, envelope);
      ctx.logger.warn({ kind: kind.kind, size: batch.length }, 'jira: 413, splitting the batch in half');
      return [...(await send(first)), ...(await send(second))];
    }
    if (status === 403) {
      forbidden ??= forbiddenMessage(kind, where);
      return failedAll(kind, batch, forbidden, failureCause(result));
    }
    const messages = errorMessagesOf(body);
    const detail = messages.length === 0 ? '' : `: ${messages.join('; ')}`;
    const cause = failureCause(result);
    if (status === 401) return failedAll(kind, batch, `${where}: HTTP 401 even with a freshly issued token${detail}`, cause);
    if (status === 413) {
      // One entity too large is that entity's problem; several in a row mean Jira refuses every size.
      const reason = `${where}: HTTP 413, too large even as a single entity${detail}`;
      ctx.breaker?.failure(reason);
      return failedAll(kind, batch, reason, cause);
    }
    // 404: the URL is wrong (cloud id, apiBaseUrl), and every other request will hit it too.
    if (status === 404) ctx.breaker?.failure(`${where}: HTTP 404${detail}`);
    return failedAll(kind, batch, `${where}: HTTP ${status}${detail}`, cause);
  };

  const results: EntityOutcome[][] = [];
  await drainPool(
    () => {
      const batch = cursor.take();
      return batch === undefined ? undefined : { batch, i: results.push([]) - 1 };
    },
    ctx.concurrency,
    async ({ batch, i }) => {
      let refused: string | undefined;
      try {
        await options.beforeSend?.(batch.entities);
      } catch (error) {
        // The batch could not be marked in flight (state cannot be written): it must not leave.
        refused = `not sent: ${error instanceof Error ? error.message : String(error)}`;
      }
      const outcomes = refused === undefined ? await send(batch) : failedAll(kind, batch.entities, refused, NOT_SENT);
      results[i] = outcomes;
      await options.onBatch?.(outcomes);
    },
    () => options.signal?.aborted === true,
  );
  const batches = results.length;
  const unstarted = cursor.rest();
  if (unstarted.length > 0) results.push(failedAll(kind, unstarted, 'aborted', NOT_SENT));
  const outcomes = results.flat();
  ctx.logger.debug({ kind: kind.kind, entities: entities.length, batches, requests, aborted: unstarted.length }, 'jira: submit finished');
  return { outcomes, requests };
}
