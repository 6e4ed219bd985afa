/**
 * Limits Jira enforces that the derived JSON Schemas do not express: at most 5 properties per entity, keys without
 * ':' and not starting with '_', keys and values of at most 255 characters, and at most 500 association values per
 * entity across all of its associations; and no entity key twice in one request.
 * Each check returns messages in Jira's style: `<json path>: <problem>`.
 */

export const MAX_ASSOCIATION_VALUES = 500;
export const MAX_PROPERTIES = 5;
export const MAX_PROPERTY_LENGTH = 255;

export function propertyProblems(properties: unknown, path = 'properties'): string[] {
  if (properties === undefined || properties === null || typeof properties !== 'object') return [];
  const entries = Object.entries(properties as Record<string, unknown>);
  const problems: string[] = [];
  if (entries.length > MAX_PROPERTIES) problems.push(`${path}: must NOT have more than ${MAX_PROPERTIES} properties`);
  for (const [key, value] of entries) {
    if (key.includes(':')) problems.push(`${path}.${key}: property keys must not contain ':'`);
    if (key.startsWith('_')) problems.push(`${path}.${key}: property keys must not start with '_'`);
    if (key.length > MAX_PROPERTY_LENGTH) problems.push(`${path}: property key longer than ${MAX_PROPERTY_LENGTH} characters`);
    if (typeof value === 'string' && value.length > MAX_PROPERTY_LENGTH) {
      problems.push(`${path}.${key}: must NOT have more than ${MAX_PROPERTY_LENGTH} characters`);
    }
  }
  return problems;
}

/** The sum of association values across ALL association types of one entity is capped (observed Jira wording). */
export function associationCountProblems(
  entity: { readonly associations?: readonly { readonly values: readonly unknown[] }[] },
  path: string,
): string[] {
  const total = (entity.associations ?? []).reduce((sum, association) => sum + association.values.length, 0);
  if (total <= MAX_ASSOCIATION_VALUES) return [];
  return [
    `${path}.associations: Sum of Association values across all association types can have a maximum of ${MAX_ASSOCIATION_VALUES} elements. Found ${total}.`,
  ];
}

/** One message per key that occurs more than once, naming the later occurrences. */
export function duplicateProblems(keys: readonly string[], path: string, label: string): string[] {
  const seen = new Set<string>();
  const problems: string[] = [];
  keys.forEach((key, index) => {
    if (seen.has(key)) problems.push(`${path}[${index}]: duplicate ${label} '${key}' in one request`);
    seen.add(key);
  });
  return problems;
}

/** Jira's limit on the ids in a path (featureFlagId, pipelineId, environmentId): 255 characters. */
export const MAX_PATH_ID_LENGTH = 255;

/** The 400 Jira answers for a path id over its limit (`name` as the spec names the parameter), or undefined. */
export function pathIdProblems(ids: Readonly<Record<string, string>>): string[] {
  return Object.entries(ids)
    .filter(([, value]) => value.length > MAX_PATH_ID_LENGTH)
    .map(([name, value]) => `${name}: must NOT have more than ${MAX_PATH_ID_LENGTH} characters, got ${value.length}`);
}
