/** Small valid Jira entities for tests. */
import type { JiraCommit, JiraFeatureFlag, JiraRepository } from '../../src/jira';

export function flag(id: string, issueKeys: readonly string[] = ['PROJ-1'], extra: Partial<JiraFeatureFlag> = {}): JiraFeatureFlag {
  const status = { enabled: true };
  const lastUpdated = '2026-01-02T03:04:05.000Z';
  return {
    id,
    key: id,
    updateSequenceId: 1,
    displayName: id,
    associations: [{ associationType: 'issueIdOrKeys', values: issueKeys }],
    summary: { status, lastUpdated },
    details: [{ url: `https://flags.example/${id}`, lastUpdated, environment: { name: 'prod', type: 'production' }, status }],
    ...extra,
  };
}

export const flags = (count: number, prefix = 'flag') => Array.from({ length: count }, (_, i) => flag(`${prefix}-${i}`));

/** A minimal valid devinfo commit linked to PROJ-1. */
export function commit(id: string): JiraCommit {
  return {
    id,
    updateSequenceId: 1,
    message: `PROJ-1 ${id}`,
    author: { email: 'dev@example.com' },
    fileCount: 0,
    url: `https://git.example/c/${id}`,
    authorTimestamp: '2026-01-02T03:04:05.000Z',
    displayId: id.slice(0, 7),
    issueKeys: ['PROJ-1'],
  };
}

export function repository(id: string, commitCount: number): JiraRepository {
  return {
    id,
    name: id,
    url: `https://git.example/${id}`,
    updateSequenceId: 1,
    commits: Array.from({ length: commitCount }, (_, i) => commit(`${id}c${i}`)),
  };
}
