/** POST /devinfo/0.1/cloud/{cloudId}/bulk: request checks (400, object error body), then per-entity outcomes. */
import { jiraError } from '../errors';
import { resolveIssues, UnknownIssueCollector } from '../issues';
import { associationCountProblems, duplicateProblems, propertyProblems } from '../limits';
import type { Properties } from '../store';
import type { SimResponse } from '../types';
import { schemaProblems } from '../validate';
import { ENTITY_TYPES, type DevEntity, type DevinfoStore, type EntityType, type RepositoryMetadata } from './devinfo-store';

export const MAX_ENTITIES_PER_REQUEST = 1000;
const ID_CHARS = /^[A-Za-z0-9~.\-_]+$/;
const LABELS: Record<EntityType, string> = { commits: 'commit', branches: 'branch', pullRequests: 'pull request' };

type RepositoryBody = RepositoryMetadata & Partial<Record<EntityType, readonly DevEntity[]>>;
interface DevinfoBody {
  readonly repositories: readonly RepositoryBody[];
  readonly properties?: Properties;
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
    const path = `repositories[${r}]`;
    if (!ID_CHARS.test(repository.id)) problems.push(`${path}.id: must only contain characters [A-Za-z0-9~.-_]`);
    for (const type of ENTITY_TYPES) {
      const entities = repository[type] ?? [];
      total += entities.length;
      problems.push(
        ...duplicateProblems(
          entities.map((e) => e.id),
          `${path}.${type}`,
          `${LABELS[type]} id`,
        ),
      );
      entities.forEach((entity, e) => {
        problems.push(...associationCountProblems(entity, `${path}.${type}[${e}]`));
        if (type === 'commits' && !ID_CHARS.test(entity.id))
          problems.push(`${path}.commits[${e}].id: must only contain characters [A-Za-z0-9~.-_]`);
      });
    }
  });
  if (total > MAX_ENTITIES_PER_REQUEST)
    problems.push(`repositories: at most ${MAX_ENTITIES_PER_REQUEST} entities per request, found ${total}`);
  return problems;
}

export function submitDevinfo(store: DevinfoStore, projects: ReadonlySet<string>, body: unknown): SimResponse {
  const problems = schemaProblems(body, ['devinfo.store.request.schema.json']);
  if (problems.length > 0) return jiraError('object', 400, problems);
  const request = body as DevinfoBody;
  const limitProblems = requestProblems(request);
  if (limitProblems.length > 0) return jiraError('object', 400, limitProblems);

  const properties = request.properties ?? {};
  const collector = new UnknownIssueCollector();
  const accepted: Record<string, Record<EntityType, string[]>> = {};
  const failed: Record<string, Partial<Record<EntityType, { id: string; errorMessages: { message: string }[] }[]>>> = {};
  for (const repository of request.repositories) {
    const { commits: _c, branches: _b, pullRequests: _p, ...metadata } = repository;
    store.putRepository(metadata as RepositoryMetadata, properties);
    const repoAccepted: Record<EntityType, string[]> = { commits: [], branches: [], pullRequests: [] };
    for (const type of ENTITY_TYPES) {
      for (const entity of repository[type] ?? []) {
        const resolution = resolveIssues(entity, projects);
        collector.add(resolution);
        if (resolution.linked) {
          store.putEntity(repository.id, type, entity, properties);
          repoAccepted[type].push(entity.id);
        } else {
          const repoFailed = (failed[repository.id] ??= {});
          (repoFailed[type] ??= []).push({ id: entity.id, errorMessages: [{ message: `No valid issues found for ${LABELS[type]}` }] });
        }
      }
    }
    accepted[repository.id] = repoAccepted;
  }
  return { status: 202, body: { acceptedDevinfoEntities: accepted, failedDevinfoEntities: failed, ...collector.toResponseFields() } };
}
