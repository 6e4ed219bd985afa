/**
 * The bulk-submit engine shared by feature flags, builds and deployments: whole-request problems (shape, array size,
 * properties, duplicate keys) → 400; then per entity: its own schema and limit violations, issue resolution (both
 * refuse only that entity, listed in the 202), sequence-guarded storage.
 */
import type { KindName } from '../../jira/types';
import { jiraError } from '../errors';
import { resolveIssues, SERVICE_ASSOCIATION, UnknownIssueCollector, type LinkedEntity } from '../issues';
import { associationCountProblems, duplicateProblems, propertyProblems } from '../limits';
import type { EntityStore, Properties } from '../store';
import type { SimResponse } from '../types';
import { isRecord, splitByElement } from '../entity-violations';
import { capProblems, schemaViolations } from '../validate';

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
  /**
   * Whether an element of the request array can be named in the answer (an object with well-typed key fields);
   * schema violations inside such an element refuse only it, inside any other the whole request is malformed.
   */
  identifiable(element: unknown): boolean;
  storageKey(entity: E): string;
  responseKey(entity: E): K;
  sequenceOf(entity: E): number;
  /** The kind's exact 202 body shape. */
  formatResponse(outcome: BulkOutcome<K>): unknown;
}

type BulkBody = Readonly<Record<string, unknown>> & { readonly properties?: Properties };

/**
 * The sequence number is an int64 in Jira: past its range the entity is refused. Past 2^53 a JSON number is no
 * longer exact here, so two of them would compare wrongly (a later update dropped as out of order): the simulator
 * refuses those too, stricter than Jira, which flagsync never comes near (its numbers are epoch milliseconds).
 */
function sequenceProblems(sequence: number, where: string): string[] {
  if (Number.isSafeInteger(sequence)) return [];
  const int64 = Math.abs(sequence) < 2 ** 63;
  return [
    `${where}: the sequence number ${String(sequence)} is ${int64 ? 'past 2^53, which this simulator cannot compare exactly' : 'not an int64'}`,
  ];
}

export function submitBulk<E extends LinkedEntity, K>(
  spec: BulkKindSpec<E, K>,
  store: EntityStore<E>,
  projects: ReadonlySet<string>,
  body: unknown,
  services?: ReadonlySet<string>,
): SimResponse {
  const listed = isRecord(body) && Array.isArray(body[spec.arrayField]) ? (body[spec.arrayField] as readonly unknown[]) : [];
  const split = splitByElement(schemaViolations(body, spec.schemaFiles), `/${spec.arrayField}`, (i) => spec.identifiable(listed[i]));
  if (split.request.length > 0) return jiraError('array', 400, capProblems([...split.request, ...[...split.byEntity.values()].flat()]));
  // The request-level schema checks passed: the array and properties have their documented shape from here on.
  const request = body as BulkBody;
  const entities = request[spec.arrayField] as readonly E[];
  const requestProblems = [
    ...propertyProblems(request.properties),
    ...duplicateProblems(
      entities.map((entity) => spec.storageKey(entity)),
      spec.arrayField,
      `${spec.label} key`,
    ),
  ];
  if (requestProblems.length > 0) return jiraError('array', 400, requestProblems);

  const properties = request.properties ?? {};
  const collector = new UnknownIssueCollector();
  const outcome: BulkOutcome<K> = { accepted: [], rejected: [], unknown: { unknownIssueKeys: [] } };
  entities.forEach((entity, index) => {
    // An entity breaking an entity-level rule is refused on its own; the rest of the request still counts. The prose
    // rules read fields the schema vouches for, so they apply only to an entity the schema accepted.
    const schemaProblems = split.byEntity.get(index) ?? [];
    const where = `${spec.arrayField}[${index}]`;
    const problems =
      schemaProblems.length > 0
        ? schemaProblems
        : [...sequenceProblems(spec.sequenceOf(entity), where), ...associationCountProblems(entity, where)];
    if (problems.length > 0) {
      outcome.rejected.push({ key: spec.responseKey(entity), messages: capProblems(problems) });
      return;
    }
    const resolution = resolveIssues(entity, projects, services);
    collector.add(resolution);
    if (!resolution.linked) {
      const what = resolution.unknownAssociations.some((a) => a.associationType === SERVICE_ASSOCIATION) ? 'issues or services' : 'issues';
      outcome.rejected.push({ key: spec.responseKey(entity), messages: [`No valid ${what} found for ${spec.label}`] });
      return;
    }
    // Out-of-order updates are dropped silently and still reported as accepted, as Jira does.
    store.put(spec.storageKey(entity), entity, spec.sequenceOf(entity), properties);
    outcome.accepted.push(spec.responseKey(entity));
  });
  return { status: 202, body: spec.formatResponse({ ...outcome, unknown: collector.toResponseFields() }) };
}
