import { strict as assert } from 'node:assert';
import { devinfoKind } from '../../src/jira';
import type { JiraBranch, JiraRepository } from '../../src/jira/payloads';
import { memberOutcomes } from '../../src/reconcile/devinfo-apply';
import { commit } from '../jira/entities';

const branch = (name: string): JiraBranch => ({
  id: name,
  updateSequenceId: 1,
  name,
  url: `https://git.example/b/${name}`,
  lastCommit: commit(`tip-${name}`),
});

const web: JiraRepository = {
  id: 'web',
  name: 'web',
  url: 'https://git.example/web',
  updateSequenceId: 1,
  commits: [commit('c1'), commit('c2')],
  branches: [branch('PROJ-1-x')],
};

describe('devinfo store answer, entity by entity', () => {
  it('accepts a repository whose every nested entity Jira lists as accepted', () => {
    const [outcome] = devinfoKind.parseResponse({ acceptedDevinfoEntities: { web: { commits: ['c1', 'c2'], branches: ['PROJ-1-x'] } } }, [
      web,
    ]);
    assert.equal(outcome?.status, 'accepted');
  });

  it('names a commit that Jira left out of the accepted list', () => {
    const [outcome] = devinfoKind.parseResponse({ acceptedDevinfoEntities: { web: { commits: ['c1'], branches: ['PROJ-1-x'] } } }, [web]);
    assert.deepEqual(outcome, {
      id: 'web',
      status: 'rejected',
      messages: ['commit c2: not listed as accepted by Jira'],
      unknownIssueKeys: [],
    });
  });

  it('does not take a bare repository key as acceptance of its branches and commits', () => {
    const [outcome] = devinfoKind.parseResponse({ acceptedDevinfoEntities: { web: {} } }, [web]);
    assert.deepEqual(outcome?.status === 'rejected' ? outcome.messages : outcome, [
      'commit c1: not listed as accepted by Jira',
      'commit c2: not listed as accepted by Jira',
      'branch PROJ-1-x: not listed as accepted by Jira',
    ]);
  });

  it('reports a failed branch once, with Jira\'s own message, and no extra "not listed" for it', () => {
    const [outcome] = devinfoKind.parseResponse(
      {
        acceptedDevinfoEntities: { web: { commits: ['c1', 'c2'] } },
        failedDevinfoEntities: { web: { branches: [{ id: 'PROJ-1-x', errorMessages: [{ message: 'name too long' }] }] } },
      },
      [web],
    );
    assert.deepEqual(outcome?.status === 'rejected' ? outcome.messages : outcome, ['branch PROJ-1-x: name too long']);
  });

  it('leaves a repository Jira does not mention at all as failed', () => {
    const [outcome] = devinfoKind.parseResponse({ acceptedDevinfoEntities: {} }, [web]);
    assert.equal(outcome?.status, 'failed');
  });

  it('makes only the unlisted member rejected when the reconciler splits the outcome per entity', () => {
    const [outcome] = devinfoKind.parseResponse({ acceptedDevinfoEntities: { web: { commits: ['c1'], branches: ['PROJ-1-x'] } } }, [web]);
    const member = (id: string, type: 'commit' | 'branch', jiraId: string) =>
      ({ write: { entity: { id, issueKeys: ['PROJ-1'] } }, payload: { type, jiraId } }) as unknown as Parameters<
        typeof memberOutcomes
      >[1][number];
    const members = [
      member('web/commit/c1', 'commit', 'c1'),
      member('web/commit/c2', 'commit', 'c2'),
      member('web/branch/PROJ-1-x', 'branch', 'PROJ-1-x'),
    ];
    assert.deepEqual(
      memberOutcomes(outcome!, members).map((o) => [o.id, o.status]),
      [
        ['web/commit/c1', 'accepted'],
        ['web/commit/c2', 'rejected'],
        ['web/branch/PROJ-1-x', 'accepted'],
      ],
    );
  });
});
