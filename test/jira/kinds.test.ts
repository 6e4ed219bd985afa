import assert from 'node:assert/strict';
import {
  buildId,
  buildsKind,
  deploymentId,
  deploymentsKind,
  devinfoKind,
  featureFlagsKind,
  type JiraBuild,
  type JiraDeployment,
} from '../../src/jira';
import { flag, repository } from './entities';

function build(pipelineId: string, buildNumber: number, issueKeys: string[] = ['PROJ-1']): JiraBuild {
  return {
    pipelineId,
    buildNumber,
    updateSequenceNumber: 1,
    displayName: `${pipelineId} #${buildNumber}`,
    url: 'https://ci.example/b',
    state: 'successful',
    lastUpdated: '2026-01-02T03:04:05Z',
    associations: [{ associationType: 'issueIdOrKeys', values: issueKeys }],
  };
}

function deployment(pipelineId: string, environmentId: string, seq: number): JiraDeployment {
  return {
    deploymentSequenceNumber: seq,
    updateSequenceNumber: 1,
    displayName: 'deploy',
    url: 'https://cd.example/d',
    description: 'deploy',
    lastUpdated: '2026-01-02T03:04:05Z',
    state: 'successful',
    pipeline: { id: pipelineId, displayName: pipelineId, url: 'https://cd.example/p' },
    environment: { id: environmentId, displayName: environmentId, type: 'production' },
    associations: [{ associationType: 'issueIdOrKeys', values: ['PROJ-1'] }],
  };
}

describe('jira kind descriptions', () => {
  describe('unknown keys listed in unknownAssociations (how Jira answers keys sent as associations)', () => {
    const unknownAssociations = [{ associationType: 'issueIdOrKeys', values: ['NOPE-1'] }];

    it('feature flags: reported on the flag that carried the key', () => {
      const sent = [flag('f1', ['PROJ-1', 'NOPE-1']), flag('f2', ['PROJ-1'])];
      const outcomes = featureFlagsKind.parseResponse(
        { acceptedFeatureFlags: ['f1', 'f2'], unknownIssueKeys: [], unknownAssociations },
        sent,
      );
      assert.deepEqual(
        outcomes.map((o) => (o.status === 'failed' ? [] : o.unknownIssueKeys)),
        [['NOPE-1'], []],
      );
    });

    it('builds and deployments alike', () => {
      const b = build('p', 1, ['PROJ-1', 'NOPE-1']);
      const [built] = buildsKind.parseResponse({ acceptedBuilds: [{ pipelineId: 'p', buildNumber: 1 }], unknownAssociations }, [b]);
      assert.deepEqual(built, { id: buildId('p', 1), status: 'accepted', unknownIssueKeys: ['NOPE-1'] });
      const d = { ...deployment('p', 'e', 3), associations: [{ associationType: 'issueIdOrKeys' as const, values: ['PROJ-1', 'NOPE-1'] }] };
      const key = { pipelineId: 'p', environmentId: 'e', deploymentSequenceNumber: 3 };
      const [deployed] = deploymentsKind.parseResponse({ acceptedDeployments: [key], unknownAssociations }, [d]);
      assert.deepEqual(deployed, { id: deploymentId('p', 'e', 3), status: 'accepted', unknownIssueKeys: ['NOPE-1'] });
    });

    it('devinfo too', () => {
      const repo = repository('r1', 1);
      const keys = devinfoKind.issueKeysOf(repo);
      const answer = {
        acceptedDevinfoEntities: { r1: { commits: (repo.commits ?? []).map((c) => c.id) } },
        unknownAssociations: [{ associationType: 'issueIdOrKeys', values: [keys[0]] }],
      };
      const [outcome] = devinfoKind.parseResponse(answer, [repo]);
      assert.deepEqual(outcome, { id: 'r1', status: 'accepted', unknownIssueKeys: [keys[0]] });
    });
  });

  it('feature flag paths URL-encode the id', () => {
    assert.equal(featureFlagsKind.entityPath('a b/c'), '/flag/a%20b%2Fc');
  });

  it('a build id with spaces and slashes in the pipeline turns back into its path', () => {
    const id = buildsKind.idOf(build('Test Pipeline/Build', 36));
    assert.equal(buildsKind.entityPath(id), '/pipelines/Test%20Pipeline%2FBuild/builds/36');
  });

  it('a deployment id turns back into its path', () => {
    const id = deploymentsKind.idOf(deployment('deploy/web', 'prod eu', 7));
    assert.equal(deploymentsKind.entityPath(id), '/pipelines/deploy%2Fweb/environments/prod%20eu/deployments/7');
  });

  it('refuses an id that is not a build id', () => {
    assert.throws(() => buildsKind.entityPath('no-number-here'), /not a build id/);
  });

  it('maps builds accepted and rejected by key back onto entity ids', () => {
    const sent = [build('Pipe A', 1), build('Pipe A', 2, ['TEST-110'])];
    const outcomes = buildsKind.parseResponse(
      {
        acceptedBuilds: [{ pipelineId: 'Pipe A', buildNumber: 1 }],
        rejectedBuilds: [{ key: { pipelineId: 'Pipe A', buildNumber: 2 }, errors: [{ message: 'No valid issues found for build' }] }],
        unknownIssueKeys: ['TEST-110'],
      },
      sent,
    );
    assert.deepEqual(outcomes, [
      { id: buildId('Pipe A', 1), status: 'accepted', unknownIssueKeys: [] },
      { id: buildId('Pipe A', 2), status: 'rejected', messages: ['No valid issues found for build'], unknownIssueKeys: ['TEST-110'] },
    ]);
  });

  it('maps accepted deployments by their three-part key', () => {
    const outcomes = deploymentsKind.parseResponse(
      { acceptedDeployments: [{ pipelineId: 'p', environmentId: 'e', deploymentSequenceNumber: 3 }] },
      [deployment('p', 'e', 3)],
    );
    assert.deepEqual(outcomes, [{ id: deploymentId('p', 'e', 3), status: 'accepted', unknownIssueKeys: [] }]);
  });

  it('reports a devinfo repository with a failed commit as rejected, naming the commit', () => {
    const outcomes = devinfoKind.parseResponse(
      {
        acceptedDevinfoEntities: { r1: { commits: ['r1c1'] } },
        failedDevinfoEntities: { r1: { commits: [{ id: 'r1c0', errorMessages: [{ message: 'message too long' }] }] } },
      },
      [repository('r1', 2)],
    );
    assert.deepEqual(outcomes, [
      {
        id: 'r1',
        status: 'rejected',
        messages: ['commit r1c0: message too long'],
        unknownIssueKeys: [],
        parts: { whole: [], nested: [{ type: 'commit', id: 'r1c0', messages: ['message too long'] }] },
      },
    ]);
  });

  it('counts devinfo weight as nested commits, branches and pull requests', () => {
    assert.equal(devinfoKind.weightOf?.(repository('r', 7)), 7);
  });

  it('marks an entity the answer does not mention as failed', () => {
    const outcomes = featureFlagsKind.parseResponse({ acceptedFeatureFlags: [] }, [flag('ghost')]);
    assert.equal(outcomes[0]?.status, 'failed');
  });

  it('throws a readable error for a malformed devinfo answer', () => {
    assert.throws(
      () => devinfoKind.parseResponse({ acceptedDevinfoEntities: [1] }, [repository('r', 1)]),
      /devinfo store response: acceptedDevinfoEntities/,
    );
  });
});
