/**
 * POST /devinfo/0.1/cloud/{cloudId}/bulk. A malformed request (shape, caps, duplicates, properties) answers 400 with
 * the object error body; a repository or entity breaking an entity-level rule is listed in failedDevinfoEntities of
 * the 202 (the repository under its `errorMessages`, an entity under its type) and the rest is stored.
 */
import { elementOf, isRecord } from '../entity-violations';
import { jiraError } from '../errors';
import { issueExists, resolveIssues, UnknownIssueCollector, type LinkedEntity } from '../issues';
import { duplicateProblems, propertyProblems } from '../limits';
import type { Properties } from '../store';
import type { SimResponse, SimTransition } from '../types';
import { capProblems, schemaViolations, type SchemaViolation } from '../validate';
import { ENTITY_TYPES, type DevEntity, type DevinfoStore, type EntityType, type RepositoryMetadata } from './devinfo-store';
import { devinfoEntityProblems, idProblems } from './devinfo-rules';

export const MAX_ENTITIES_PER_REQUEST = 1000;
const LABELS: Record<EntityType, string> = { commits: 'commit', branches: 'branch', pullRequests: 'pull request' };

type RepositoryBody = RepositoryMetadata & Partial<Record<EntityType, readonly DevEntity[]>>;
interface DevinfoBody {
  readonly repositories: readonly RepositoryBody[];
  readonly properties?: Properties;
  readonly preventTransitions?: boolean;
}

const issueValues = (entity: LinkedEntity): string[] =>
  (entity.associations ?? [])
    .filter((a) => a.associationType === 'issueKeys' || a.associationType === 'issueIdOrKeys')
    .flatMap((a) => a.values.filter((v): v is string => typeof v === 'string'));

const hasStringId = (value: unknown): boolean => isRecord(value) && typeof value['id'] === 'string';
const entityKey = (r: number, type: EntityType, e: number) => `${r}/${type}/${e}`;

interface Violations {
  readonly request: string[];
  /** By repository index. */
  readonly repositories: Map<number, string[]>;
  /** By `entityKey(r, type, e)`. */
  readonly entities: Map<string, string[]>;
}

const push = <K>(map: Map<K, string[]>, key: K, message: string) => map.set(key, [...(map.get(key) ?? []), message]);

/** Where each schema violation belongs: an entity, its repository, or (when neither can be named) the request. */
function placeViolations(body: unknown, violations: readonly SchemaViolation[]): Violations {
  const placed: Violations = { request: [], repositories: new Map(), entities: new Map() };
  const repositories = isRecord(body) && Array.isArray(body['repositories']) ? (body['repositories'] as unknown[]) : [];
  for (const violation of violations) {
    const inRepository = elementOf(violation.instancePath, '/repositories');
    const repository = inRepository === undefined ? undefined : repositories[inRepository[0]];
    if (inRepository === undefined || !hasStringId(repository)) {
      placed.request.push(violation.message);
      continue;
    }
    const [r, rest] = inRepository;
    const typeMatch = /^\/(commits|branches|pullRequests)(\/.*)?$/.exec(rest);
    if (typeMatch === null) {
      push(placed.repositories, r, violation.message);
      continue;
    }
    const type = typeMatch[1] as EntityType;
    const list = (repository as Record<string, unknown>)[type];
    const inEntity = elementOf(rest, `/${type}`);
    // The per-type cap of 400 and a list that is no array are request rules, like the 1000 entities per request.
    if (inEntity === undefined || !Array.isArray(list) || !hasStringId(list[inEntity[0]])) placed.request.push(violation.message);
    else push(placed.entities, entityKey(r, type, inEntity[0]), violation.message);
  }
  return placed;
}

function requestProblems(request: DevinfoBody): string[] {
  const problems = propertyProblems(request.properties);
  if (request.repositories.length === 0) problems.push('repositories: must NOT have fewer than 1 items');
  problems.push(
    ...duplicateProblems(
      request.repositories.map((r) => r.id),
      'repositories',
      'repository id',
    ),
  );
  let total = 0;
  request.repositories.forEach((repository, r) => {
    for (const type of ENTITY_TYPES) {
      const entities = repository[type] ?? [];
      total += entities.length;
      problems.push(
        ...duplicateProblems(
          entities.map((e) => e.id),
          `repositories[${r}].${type}`,
          `${LABELS[type]} id`,
        ),
      );
    }
  });
  if (total > MAX_ENTITIES_PER_REQUEST)
    problems.push(`repositories: at most ${MAX_ENTITIES_PER_REQUEST} entities per request, found ${total}`);
  return problems;
}

type FailedEntity = { id: string; errorMessages: { message: string }[] };
type RepositoryFailures = { errorMessages?: { message: string }[] } & Partial<Record<EntityType, FailedEntity[]>>;
const asMessages = (messages: readonly string[]) => capProblems(messages).map((message) => ({ message }));

/** Commit messages Jira cuts to their 1024 characters (the spec: "longer is truncated") rather than refuse. */
const TRUNCATED = /^\/repositories\/\d+\/(commits\/\d+\/message|branches\/\d+\/lastCommit\/message)$/;
const MAX_MESSAGE = 1024;

function withMessagesCut<E>(entity: E): E {
  const record = entity as Record<string, unknown>;
  const cut = (message: unknown) => (typeof message === 'string' && message.length > MAX_MESSAGE ? message.slice(0, MAX_MESSAGE) : message);
  if (typeof record['message'] === 'string' && record['message'].length > MAX_MESSAGE)
    return { ...record, message: cut(record['message']) } as E;
  const last = record['lastCommit'] as Record<string, unknown> | undefined;
  if (isRecord(last) && typeof last['message'] === 'string' && last['message'].length > MAX_MESSAGE)
    return { ...record, lastCommit: { ...last, message: cut(last['message']) } } as E;
  return entity;
}

export function submitDevinfo(
  store: DevinfoStore,
  projects: ReadonlySet<string>,
  body: unknown,
  transitions: SimTransition[] = [],
): SimResponse {
  const placed = placeViolations(
    body,
    schemaViolations(body, ['devinfo.store.request.schema.json']).filter(
      (v) => !(v.keyword === 'maxLength' && TRUNCATED.test(v.instancePath)),
    ),
  );
  if (placed.request.length > 0) return jiraError('object', 400, capProblems(placed.request));
  const request = body as DevinfoBody;
  const limitProblems = requestProblems(request);
  if (limitProblems.length > 0) return jiraError('object', 400, limitProblems);

  const properties = request.properties ?? {};
  const collector = new UnknownIssueCollector();
  const accepted: Record<string, Record<EntityType, string[]>> = {};
  const failed: Record<string, RepositoryFailures> = {};
  request.repositories.forEach((repository, r) => {
    const path = `repositories[${r}]`;
    // The prose rules read fields the schema vouches for: they apply to what the schema accepted.
    const schemaProblems = placed.repositories.get(r) ?? [];
    const repositoryProblems = schemaProblems.length > 0 ? schemaProblems : idProblems(repository.id, `${path}.id`);
    if (repositoryProblems.length > 0) {
      // A repository Jira cannot take is not stored, and nothing in it is.
      failed[repository.id] = { errorMessages: asMessages(repositoryProblems) };
      return;
    }
    const { commits: _c, branches: _b, pullRequests: _p, ...metadata } = repository;
    store.putRepository(metadata as RepositoryMetadata, properties);
    const repoAccepted: Record<EntityType, string[]> = { commits: [], branches: [], pullRequests: [] };
    const fail = (type: EntityType, id: string, messages: readonly string[]) =>
      ((failed[repository.id] ??= {})[type] ??= []).push({ id, errorMessages: asMessages(messages) });
    for (const type of ENTITY_TYPES) {
      (repository[type] ?? []).forEach((entity, e) => {
        const entitySchemaProblems = placed.entities.get(entityKey(r, type, e)) ?? [];
        const problems = entitySchemaProblems.length > 0 ? entitySchemaProblems : devinfoEntityProblems(entity, `${path}.${type}[${e}]`);
        if (problems.length > 0) return fail(type, entity.id, problems);
        const resolution = resolveIssues(entity, projects);
        collector.add(resolution);
        if (!resolution.linked) return fail(type, entity.id, [`No valid issues found for ${LABELS[type]}`]);
        const isNew = store.putEntity(repository.id, type, withMessagesCut(entity), properties);
        // preventTransitions defaults to false: Jira runs smart commits and transitions for what it receives.
        if (isNew && request.preventTransitions !== true) {
          const keys = [...(entity.issueKeys ?? []), ...issueValues(entity)].filter((k) => issueExists(k, projects));
          transitions.push({ repositoryId: repository.id, type, id: entity.id, issueKeys: [...new Set(keys)] });
        }
        repoAccepted[type].push(entity.id);
      });
    }
    accepted[repository.id] = repoAccepted;
  });
  return { status: 202, body: { acceptedDevinfoEntities: accepted, failedDevinfoEntities: failed, ...collector.toResponseFields() } };
}
