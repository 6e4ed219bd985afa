import { buildsKind, deploymentsKind } from '../jira';
import { JiraAuthError, JiraSettingsConflict, type EntityOutcome, type FailureReason, type JiraClient } from '../jira/types';
import type { SendEvent } from './event';

export type Delivery =
  | {
      readonly status: 'accepted';
      readonly id: string;
      readonly unknownIssueKeys: readonly string[];
      readonly unknownServices?: readonly string[];
    }
  | {
      readonly status: 'rejected';
      readonly id: string;
      readonly messages: readonly string[];
      readonly unknownIssueKeys: readonly string[];
      readonly unknownServices?: readonly string[];
    }
  /** Jira answered, but not with a verdict on the entity (400, 401, 403, 413, malformed answer): sending again won't help. */
  | {
      readonly status: 'failed';
      readonly id: string;
      readonly error: string;
      readonly reason: FailureReason;
      /** The status of Jira's answer, when one came. */
      readonly httpStatus?: number;
      /** jira.site and jira.cloudId name different sites: the config must change before anything can go. */
      readonly configConflict?: true;
    }
  /** Jira could not be reached (network, 5xx/429 after every retry): worth spooling and trying later. */
  | { readonly status: 'unreachable'; readonly id: string; readonly error: string };

function fromOutcome(outcome: EntityOutcome): Delivery {
  switch (outcome.status) {
    case 'accepted': {
      const { id, unknownIssueKeys, unknownServices } = outcome;
      return { status: 'accepted', id, unknownIssueKeys, ...(unknownServices !== undefined && { unknownServices }) };
    }
    case 'rejected': {
      const { id, messages, unknownIssueKeys, unknownServices } = outcome;
      return { status: 'rejected', id, messages, unknownIssueKeys, ...(unknownServices !== undefined && { unknownServices }) };
    }
    default: {
      const { id, error, reason, httpStatus } = outcome;
      if (outcome.retryable) return { status: 'unreachable', id, error };
      return httpStatus === undefined ? { status: 'failed', id, error, reason } : { status: 'failed', id, error, reason, httpStatus };
    }
  }
}

export function eventId(event: SendEvent): string {
  return event.kind === 'builds' ? buildsKind.idOf(event.entity) : deploymentsKind.idOf(event.entity);
}

/** Submits one build or deployment through the shared client and says what became of it. Never throws for Jira. */
export async function deliver(client: JiraClient, event: SendEvent, properties?: Readonly<Record<string, string>>): Promise<Delivery> {
  const id = eventId(event);
  const options = properties === undefined ? {} : { properties };
  try {
    const report =
      event.kind === 'builds'
        ? await client.submit(buildsKind, [event.entity], options)
        : await client.submit(deploymentsKind, [event.entity], options);
    const outcome = report.outcomes.find((o) => o.id === id);
    if (outcome === undefined) return { status: 'failed', id, error: "Jira's answer does not mention this entity", reason: 'unlisted' };
    return fromOutcome(outcome);
  } catch (error) {
    // Only JiraAuthError escapes submit: refused credentials (final), or a cloud-id lookup that never got an answer
    // (an outage like any other).
    const message = error instanceof Error ? error.message : String(error);
    if (!(error instanceof JiraAuthError)) throw error;
    if (error instanceof JiraSettingsConflict) return { status: 'failed', id, error: message, reason: 'auth', configConflict: true };
    return error.retryable ? { status: 'unreachable', id, error: message } : { status: 'failed', id, error: message, reason: 'auth' };
  }
}
