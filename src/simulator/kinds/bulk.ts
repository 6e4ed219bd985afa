/**
 * The bulk-submit engine shared by feature flags, builds and deployments: whole-request validation (schemas and
 * the extra limits) → 400; then per entity: issue resolution, "no valid issues" rejection, sequence-guarded storage.
 */
import type { KindName } from '../../jira/types';
import { jiraError } from '../errors';
import { resolveIssues, UnknownIssueCollector, type LinkedEntity } from '../issues';
import { associationCountProblems, duplicateProblems, propertyProblems } from '../limits';
import type { EntityStore, Properties } from '../store';
import type { SimResponse } from '../types';
import { schemaProblems } from '../validate';

export interface BulkOutcome<K> {
  readonly accepted: K[];
  readonly rejected: { readonly key: K; readonly messages: string[] }[];
  readonly unknown: ReturnType<UnknownIssueCollector['toResponseFields']>;
}

export interface BulkKindSpec<E extends LinkedEntity, K> {
  readonly kind: KindName;
  /** Name of the entity array in the request: flags, builds, deployments. */
  readonly arrayField: string;
  readonly schemaFiles: readonly string[];
  /** Used in messages: "No valid issues found for <label>". */
  readonly label: string;
  storageKey(entity: E): string;
  responseKey(entity: E): K;
  sequenceOf(entity: E): number;
  /** The kind's exact 202 body shape. */
  formatResponse(outcome: BulkOutcome<K>): unknown;
}

type BulkBody = Readonly<Record<string, unknown>> & { readonly properties?: Properties };

export function submitBulk<E extends LinkedEntity, K>(
  spec: BulkKindSpec<E, K>,
  store: EntityStore<E>,
  projects: ReadonlySet<string>,
  body: unknown,
): SimResponse {
  const problems = schemaProblems(body, spec.schemaFiles);
  if (problems.length > 0) return jiraError('array', 400, problems);
  // The schemas guarantee this shape from here on.
  const request = body as BulkBody;
  const entities = request[spec.arrayField] as readonly E[];
  const limitProblems = [
    ...propertyProblems(request.properties),
    ...entities.flatMap((entity, index) => associationCountProblems(entity, `${spec.arrayField}[${index}]`)),
    ...duplicateProblems(
      entities.map((entity) => spec.storageKey(entity)),
      spec.arrayField,
      `${spec.label} key`,
    ),
  ];
  if (limitProblems.length > 0) return jiraError('array', 400, limitProblems);

  const properties = request.properties ?? {};
  const collector = new UnknownIssueCollector();
  const outcome: BulkOutcome<K> = { accepted: [], rejected: [], unknown: { unknownIssueKeys: [] } };
  for (const entity of entities) {
    const resolution = resolveIssues(entity, projects);
    collector.add(resolution);
    if (!resolution.linked) {
      outcome.rejected.push({ key: spec.responseKey(entity), messages: [`No valid issues found for ${spec.label}`] });
      continue;
    }
    // Out-of-order updates are dropped silently and still reported as accepted, as Jira does.
    store.put(spec.storageKey(entity), entity, spec.sequenceOf(entity), properties);
    outcome.accepted.push(spec.responseKey(entity));
  }
  return { status: 202, body: spec.formatResponse({ ...outcome, unknown: collector.toResponseFields() }) };
}
