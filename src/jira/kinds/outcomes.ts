import type { EntityOutcome, RejectedParts } from '../types';

/** What a 202 body said, already keyed by flagsync's entity ids. */
export interface ParsedAnswer {
  readonly accepted: ReadonlySet<string>;
  readonly rejected: ReadonlyMap<string, readonly string[]>;
  /** For entities with nested ones: what of them was refused (see RejectedParts). */
  readonly rejectedParts?: ReadonlyMap<string, RejectedParts>;
  readonly unknownIssueKeys: readonly string[];
  /** Service ids the answer lists as unknown (deployments). */
  readonly unknownServices?: readonly string[];
}

export interface OutcomeIdentity<E> {
  idOf(entity: E): string;
  issueKeysOf(entity: E): readonly string[];
  /** The service ids an entity links to (deployments). */
  servicesOf?(entity: E): readonly string[];
}

/**
 * Turns one answer into an outcome per SENT entity. The response's unknownIssueKeys are for the whole request, so
 * each entity gets the ones it carried. An entity the answer does not mention is 'failed': it is not known to be stored.
 */
export function outcomesFor<E>(kind: OutcomeIdentity<E>, sent: readonly E[], answer: ParsedAnswer): EntityOutcome[] {
  const unknown = new Set(answer.unknownIssueKeys.map((k) => k.toUpperCase()));
  const unknownServiceIds = new Set(answer.unknownServices ?? []);
  return sent.map((entity): EntityOutcome => {
    const id = kind.idOf(entity);
    const unknownIssueKeys = unknown.size === 0 ? [] : [...new Set(kind.issueKeysOf(entity))].filter((k) => unknown.has(k.toUpperCase()));
    const services =
      unknownServiceIds.size === 0 ? [] : [...new Set(kind.servicesOf?.(entity) ?? [])].filter((s) => unknownServiceIds.has(s));
    const unknownServices = services.length === 0 ? {} : { unknownServices: services };
    const messages = answer.rejected.get(id);
    if (messages !== undefined) {
      const parts = answer.rejectedParts?.get(id);
      return parts === undefined
        ? { id, status: 'rejected', messages, unknownIssueKeys, ...unknownServices }
        : { id, status: 'rejected', messages, unknownIssueKeys, ...unknownServices, parts };
    }
    if (answer.accepted.has(id)) return { id, status: 'accepted', unknownIssueKeys, ...unknownServices };
    const error = "Jira's answer lists this entity neither as accepted nor as rejected";
    return { id, status: 'failed', error, reason: 'unlisted', retryable: false };
  });
}

interface AssociationLike {
  readonly associationType: string;
  readonly values: readonly unknown[];
}

/** Issue keys (or numeric issue ids) from issue associations and the deprecated issueKeys field. */
export function issueKeysFrom(entity: {
  readonly associations?: readonly AssociationLike[];
  readonly issueKeys?: readonly string[];
}): string[] {
  const keys: string[] = [...(entity.issueKeys ?? [])];
  for (const a of entity.associations ?? []) {
    if (a.associationType !== 'issueIdOrKeys' && a.associationType !== 'issueKeys') continue;
    for (const v of a.values) if (typeof v === 'string') keys.push(v);
  }
  return keys;
}

/** Service ids from a deployment's `serviceIdOrKeys` associations. */
export function servicesFrom(entity: { readonly associations?: readonly AssociationLike[] }): string[] {
  const services: string[] = [];
  for (const a of entity.associations ?? []) {
    if (a.associationType !== 'serviceIdOrKeys') continue;
    for (const v of a.values) if (typeof v === 'string') services.push(v);
  }
  return services;
}

/** URL-encodes one path segment; ids that arrive already encoded are normalised first so they are not encoded twice. */
export function pathSegment(encoded: string): string {
  return encodeURIComponent(decodeURIComponent(encoded));
}
