import type { JiraResult } from './http';
import type { FailureCause } from './types';

/** What a request that got no verdict means for its entities, as data (callers decide on this, not on the text). */
export function failureCause(result: JiraResult): FailureCause {
  if (result.type === 'gave-up') {
    // No attempt left (the token endpoint failed every time, or a stop came first): nothing reached Jira.
    const unsent = result.requests === 0 ? { unsent: true as const } : {};
    if (result.aborted) return { reason: 'aborted', retryable: true, ...unsent };
    return result.status === undefined
      ? { reason: 'gave-up', retryable: true, ...unsent }
      : { reason: 'gave-up', httpStatus: result.status, retryable: true, ...unsent };
  }
  // After an attempt whose answer was lost, the refusal of a later one does not say Jira stored nothing.
  if (result.afterLostAnswer === true) return { reason: 'gave-up', httpStatus: result.status, retryable: true };
  return { reason: result.status === 403 ? 'forbidden' : 'refused', httpStatus: result.status, retryable: false };
}

export const ABORTED: FailureCause = { reason: 'aborted', retryable: true };

/** Not sent at all: stopped before its request, or its state could not be written first. */
export const NOT_SENT: FailureCause = { reason: 'aborted', retryable: true, unsent: true };
