/** Query-string handling for bulkByProperties / existsByProperties. */
import { jiraError } from '../errors';
import type { Properties } from '../store';
import type { SimResponse } from '../types';

export type PropertyQuery = { readonly ok: true; readonly properties: Properties } | { readonly ok: false; readonly problems: string[] };

/**
 * Properties to match, ANDed. Keys starting with '_' are control parameters (`_updateSequenceId`), not properties.
 * Devinfo rejects a key given twice; the other APIs just see the last value.
 */
export function propertiesFromQuery(query: URLSearchParams, rejectRepeatedKeys: boolean): PropertyQuery {
  const properties: Record<string, string> = {};
  const problems: string[] = [];
  for (const [key, value] of query) {
    if (key.startsWith('_')) continue;
    if (rejectRepeatedKeys && key in properties) problems.push(`Property '${key}' is given more than once`);
    properties[key] = value;
  }
  if (Object.keys(properties).length === 0) problems.push('At least one property must be given in the query string');
  return problems.length > 0 ? { ok: false, problems } : { ok: true, properties };
}

/** Devinfo's `_updateSequenceId`: absent, or an integer (else the request is invalid). */
export function updateSequenceIdFromQuery(query: URLSearchParams): { ok: true; value?: number } | { ok: false; problem: string } {
  const raw = query.get('_updateSequenceId');
  if (raw === null) return { ok: true };
  if (!/^-?\d+$/.test(raw)) return { ok: false, problem: `_updateSequenceId must be a number, got '${raw}'` };
  return { ok: true, value: Number(raw) };
}

/** DELETE …/bulkByProperties for the APIs with array error bodies (flags, builds, deployments): 202, or 400. */
export function deleteByProperties(query: URLSearchParams, store: { deleteMatching(wanted: Properties): number }): SimResponse {
  const parsed = propertiesFromQuery(query, false);
  if (!parsed.ok) return jiraError('array', 400, parsed.problems);
  store.deleteMatching(parsed.properties);
  return { status: 202 };
}
