/**
 * Jira validates each entity of a bulk request on its own: a malformed REQUEST answers 400, a malformed ENTITY is
 * listed as failed/rejected inside the 202 and the rest of the request is stored. This splits
 * schema violations along that line, by where in the body they are.
 */
import type { SchemaViolation } from './validate';

export interface SplitViolations {
  /** Whole-request problems: answered with 400. */
  readonly request: readonly string[];
  /** Per entity index in the array: the entity is refused, the others go on. */
  readonly byEntity: ReadonlyMap<number, readonly string[]>;
}

/** `/flags/3/summary/url` with arrayPath `/flags` → [3, '/summary/url']; undefined outside an element of that array. */
export function elementOf(instancePath: string, arrayPath: string): [index: number, rest: string] | undefined {
  if (!instancePath.startsWith(`${arrayPath}/`)) return undefined;
  const match = /^(\d+)(\/.*)?$/.exec(instancePath.slice(arrayPath.length + 1));
  if (match === null) return undefined;
  return [Number(match[1]), match[2] ?? ''];
}

/**
 * A violation inside element i of `arrayPath` belongs to that element when `identifiable(i)` (Jira can name it in
 * its answer: an object whose key fields are well typed); anything else makes the request malformed.
 */
export function splitByElement(
  violations: readonly SchemaViolation[],
  arrayPath: string,
  identifiable: (index: number) => boolean,
): SplitViolations {
  const request: string[] = [];
  const byEntity = new Map<number, string[]>();
  for (const violation of violations) {
    const element = elementOf(violation.instancePath, arrayPath);
    if (element === undefined || !identifiable(element[0])) request.push(violation.message);
    else byEntity.set(element[0], [...(byEntity.get(element[0]) ?? []), violation.message]);
  }
  return { request, byEntity };
}

export const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
