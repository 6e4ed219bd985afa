import { strict as assert } from 'node:assert';
import { devinfoKind } from '../../src/jira';
import type { JiraBranch, JiraRepository } from '../../src/jira/payloads';
import type { LinkedCommit as DevCommit } from '../../src/model/devinfo-links';
import { desiredDevinfo } from '../../src/reconcile/devinfo-desired';
import { memberOutcomes, stampDevinfo, type DevinfoPacket } from '../../src/reconcile/devinfo-pack';
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

function webPacket(): DevinfoPacket {
  const devCommit = (sha: string): DevCommit => ({
    sha,
    message: 'PROJ-1 work',
    authorName: 'Ada',
    authorEmail: 'ada@example.com',
    timestamp: '2026-01-02T03:04:05.000Z',
    filesChanged: 1,
    url: `https://git.example/c/${sha}`,
    merge: false,
    issueKeys: ['PROJ-1'],
  });
  const desired = desiredDevinfo(
    [
      {
        id: 'web',
        name: 'web',
        url: 'https://git.example/web',
        commits: [devCommit('c1'), devCommit('c2')],
        branches: [{ name: 'PROJ-1-x', url: 'https://git.example/b/x', lastCommit: devCommit('tip'), issueKeys: ['PROJ-1'] }],
      },
    ],
    'git',
  );
  return {
    entity: web,
    members: desired.entities.map((entity) => ({
      write: { entity, action: 'create', changedFields: [], previousSequence: 0 },
      sequence: 1,
      stamped: stampDevinfo(entity.payload, 1),
    })),
  };
}

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
      parts: { whole: [], nested: [{ type: 'commit', id: 'c2', messages: ['not listed as accepted by Jira'], unlisted: true }] },
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

  it('fails only the unlisted member, as unlisted (kept in flight), when the reconciler splits the outcome per entity', () => {
    const [outcome] = devinfoKind.parseResponse({ acceptedDevinfoEntities: { web: { commits: ['c1'], branches: ['PROJ-1-x'] } } }, [web]);
    const packet = webPacket();
    assert.deepEqual(
      memberOutcomes(outcome!, packet).map((o) => [o.id, o.status, o.status === 'failed' ? o.reason : undefined]),
      [
        ['web/commit/c1', 'accepted', undefined],
        ['web/commit/c2', 'failed', 'unlisted'],
        ['web/branch/PROJ-1-x', 'accepted', undefined],
      ],
    );
  });

  it('keeps a refused member rejected beside an unlisted one', () => {
    const [outcome] = devinfoKind.parseResponse(
      {
        acceptedDevinfoEntities: { web: { commits: ['c1'] } },
        failedDevinfoEntities: { web: { branches: [{ id: 'PROJ-1-x', errorMessages: [{ message: 'name too long' }] }] } },
      },
      [web],
    );
    assert.deepEqual(
      memberOutcomes(outcome!, webPacket()).map((o) => [o.id, o.status]),
      [
        ['web/commit/c1', 'accepted'],
        ['web/commit/c2', 'failed'],
        ['web/branch/PROJ-1-x', 'rejected'],
      ],
    );
  });

  it('reads which members Jira refused from the answer, not from how its messages read', () => {
    // A message about the whole repository that happens to read like one about commit c2 concerns every member.
    const [outcome] = devinfoKind.parseResponse(
      {
        acceptedDevinfoEntities: { web: { commits: ['c1', 'c2'], branches: ['PROJ-1-x'] } },
        failedDevinfoEntities: { web: { errorMessages: [{ message: 'commit c2: and the rest of this repository could not be stored' }] } },
      },
      [web],
    );
    // Each member is listed as accepted: Jira may hold it, so none is rejected (which forgets a new one: never deleted
    // then); each stays in flight with the repository's message.
    const members = memberOutcomes(outcome!, webPacket());
    assert.deepEqual(
      members.map((o) => [o.status, o.status === 'failed' ? o.reason : undefined]),
      [
        ['failed', 'unlisted'],
        ['failed', 'unlisted'],
        ['failed', 'unlisted'],
      ],
    );
    assert.match(
      members[1]?.status === 'failed' ? members[1].error : '',
      /^commit c2: listed as accepted, beside errors about its repository: commit c2: and the rest/,
    );
  });

  it('rejects the members a repository-wide error leaves out of the accepted list, with its message', () => {
    const [outcome] = devinfoKind.parseResponse(
      {
        acceptedDevinfoEntities: { web: { commits: ['c1'] } },
        failedDevinfoEntities: { web: { errorMessages: [{ message: 'repository url invalid' }] } },
      },
      [web],
    );
    assert.deepEqual(
      memberOutcomes(outcome!, webPacket()).map((o) => [o.id, o.status]),
      [
        ['web/commit/c1', 'failed'],
        ['web/commit/c2', 'rejected'],
        ['web/branch/PROJ-1-x', 'rejected'],
      ],
    );
  });
});
