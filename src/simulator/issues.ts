/**
 * Issue-key resolution against the simulated site. A key exists iff its project part is one of the configured
 * projects; numeric issue ids (allowed in `issueIdOrKeys` associations) are taken as existing, since the
 * simulator has no issue table to check them against.
 */

export interface Association {
  readonly associationType: string;
  readonly values: readonly unknown[];
}

export interface LinkedEntity {
  readonly issueKeys?: readonly string[];
  readonly associations?: readonly Association[];
}

export interface IssueResolution {
  /** At least one existing issue, or a non-issue association (service, commit, repository) to link through. */
  readonly linked: boolean;
  readonly unknownIssueKeys: readonly string[];
  readonly unknownAssociations: readonly { associationType: string; values: string[] }[];
}

const ISSUE_ASSOCIATION_TYPES = new Set(['issueKeys', 'issueIdOrKeys']);
export const SERVICE_ASSOCIATION = 'serviceIdOrKeys';

export function issueExists(value: string, projects: ReadonlySet<string>): boolean {
  if (/^\d+$/.test(value)) return true;
  const dash = value.lastIndexOf('-');
  if (dash <= 0 || !/^\d+$/.test(value.slice(dash + 1))) return false;
  return projects.has(value.slice(0, dash).toUpperCase());
}

/**
 * `services`: the service ids the site knows, for `serviceIdOrKeys` associations (deployments); undefined where the
 * kind has none to check. Other associations (commits, repositories) link as they are.
 */
export function resolveIssues(entity: LinkedEntity, projects: ReadonlySet<string>, services?: ReadonlySet<string>): IssueResolution {
  let linked = false;
  const unknownKeys = new Set<string>();
  const unknownAssociations: { associationType: string; values: string[] }[] = [];
  for (const key of entity.issueKeys ?? []) {
    if (issueExists(key, projects)) linked = true;
    else unknownKeys.add(key);
  }
  for (const association of entity.associations ?? []) {
    if (association.associationType === SERVICE_ASSOCIATION && services !== undefined) {
      // "Associations (e.g. Issue Keys or Service IDs) that are not known … If a deployment was only associated with
      // the associations in this array, it won't be persisted" (deployments' bulk 202).
      const unknownServices = association.values.filter((v): v is string => typeof v === 'string' && !services.has(v));
      if (association.values.some((v) => typeof v === 'string' && services.has(v))) linked = true;
      if (unknownServices.length > 0) unknownAssociations.push({ associationType: SERVICE_ASSOCIATION, values: unknownServices });
      continue;
    }
    if (!ISSUE_ASSOCIATION_TYPES.has(association.associationType)) {
      linked = true;
      continue;
    }
    const unknown: string[] = [];
    for (const value of association.values) {
      if (typeof value !== 'string') continue;
      if (issueExists(value, projects)) linked = true;
      // Only in unknownAssociations: unknownIssueKeys answers the deprecated issueKeys field alone, so a client that
      // reads just that list misses every unknown key it sent as an association.
      else unknown.push(value);
    }
    if (unknown.length > 0) unknownAssociations.push({ associationType: association.associationType, values: unknown });
  }
  return { linked, unknownIssueKeys: [...unknownKeys], unknownAssociations };
}

/** Collects per-entity resolutions into the response's request-wide lists, without duplicates. */
export class UnknownIssueCollector {
  private readonly keys = new Set<string>();
  private readonly associations = new Map<string, Set<string>>();

  add(resolution: IssueResolution): void {
    for (const key of resolution.unknownIssueKeys) this.keys.add(key);
    for (const association of resolution.unknownAssociations) {
      const values = this.associations.get(association.associationType) ?? new Set<string>();
      for (const value of association.values) values.add(value);
      this.associations.set(association.associationType, values);
    }
  }

  /** `unknownIssueKeys` always; `unknownAssociations` only when there are some, as Jira omits it otherwise. */
  toResponseFields(): { unknownIssueKeys: string[]; unknownAssociations?: { associationType: string; values: string[] }[] } {
    const associations = [...this.associations].map(([associationType, values]) => ({ associationType, values: [...values] }));
    return associations.length === 0
      ? { unknownIssueKeys: [...this.keys] }
      : { unknownIssueKeys: [...this.keys], unknownAssociations: associations };
  }
}
