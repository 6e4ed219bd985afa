import { strict as assert } from 'node:assert';
import type { DesiredEntity } from '../../src/reconcile/desired';
import type { DevinfoPayload, RepositoryHeader } from '../../src/reconcile/devinfo-desired';
import { devinfoRequestFieldsFor } from '../../src/reconcile/devinfo-kind';
import { devinfoRounds, stampDevinfo, type DevinfoMember } from '../../src/reconcile/devinfo-pack';
import { recordFirstSyncs } from '../../src/reconcile/devinfo-send-mode';
import { MemoryStateStore } from '../../src/reconcile/memory-state-store';
import { emptyState, type SyncState } from '../../src/reconcile/state';
import { StateLedger } from '../../src/reconcile/state-ledger';
import { providerResult } from '../helpers/provider-result';

const FIRST_SYNC = '2026-06-01T00:00:00.000Z';

function commit(repository: RepositoryHeader, sha: string, authorTimestamp: string): DevinfoMember {
  const payload: DevinfoPayload = {
    repository,
    type: 'commit',
    jiraId: sha,
    entity: {
      id: sha,
      message: `PROJ-1 #done ${sha}`,
      author: { name: 'Ada', email: 'ada@example.com' },
      fileCount: 1,
      url: `${repository.url}/commit/${sha}`,
      authorTimestamp,
      displayId: sha.slice(0, 7),
      hash: sha,
      associations: [{ associationType: 'issueIdOrKeys', values: ['PROJ-1'] }],
    },
  };
  const entity: DesiredEntity<DevinfoPayload> = {
    kind: 'devinfo',
    id: `${repository.id}/commit/${sha}`,
    provider: 'code',
    hash: sha,
    payload,
    issueKeys: ['PROJ-1'],
    fields: () => ({}),
  };
  return { write: { entity, action: 'create', changedFields: [], previousSequence: 0 }, sequence: 1, stamped: stampDevinfo(payload, 1) };
}

const stateWith = (repositories: SyncState['repositories']): SyncState => ({ ...emptyState(), repositories });

describe('devinfo history: commits authored before their repository first sync', () => {
  const web: RepositoryHeader = { id: 'web', name: 'web', url: 'https://git.example/acme/web' };
  const quiet: RepositoryHeader = { ...web, id: 'quiet', transitions: false };
  const state = stateWith({ web: { p: 'code', t: FIRST_SYNC }, quiet: { p: 'code', t: FIRST_SYNC } });

  it('go in requests of their own, as a backfill, after the new work of their repository (transitions off or not)', () => {
    const writes = [
      commit(web, 'aaa1', '2026-01-01T00:00:00.000Z'),
      commit(web, 'bbb2', '2026-07-01T00:00:00.000Z'),
      commit(quiet, 'ccc3', '2025-01-01T00:00:00Z'),
      commit(quiet, 'ddd4', '2026-08-01T00:00:00Z'),
    ];
    const rounds = devinfoRounds(writes, 1, { state, provider: 'code' });
    const fieldsOf = devinfoRequestFieldsFor(state, 'code');
    const shape = rounds.map((round) =>
      round.map((packet) => [packet.entity.id, packet.members.map((m) => m.write.entity.payload.jiraId), fieldsOf(packet)]),
    );
    assert.deepEqual(shape, [
      [
        ['web', ['bbb2'], {}],
        ['quiet', ['ddd4'], { preventTransitions: true }],
      ],
      [
        ['web', ['aaa1'], { preventTransitions: true, operationType: 'BACKFILL' }],
        ['quiet', ['ccc3'], { preventTransitions: true, operationType: 'BACKFILL' }],
      ],
    ]);
  });

  it('are not told apart for a repository whose record has no first sync time yet (written before times existed)', () => {
    const legacy = stateWith({ web: { p: 'code' } });
    const rounds = devinfoRounds([commit(web, 'aaa1', '2020-01-01T00:00:00.000Z')], 1, { state: legacy, provider: 'code' });
    assert.deepEqual(
      rounds.map((round) => round.map((packet) => devinfoRequestFieldsFor(legacy, 'code')(packet))),
      [[{}]],
    );
  });

  describe('the first sync time a run records', () => {
    const now = '2026-11-30T10:00:00.000Z';
    const ledgerOf = (s: SyncState) => new StateLedger(new MemoryStateStore(), s, { now: Date.now, saveIntervalMs: 5000 });
    const outcome = (failed: string[] = []) => ({
      listed: new Map([['code', new Map([['web', undefined]])]]),
      kept: new Map<string, ReadonlySet<string>>(),
      results: [
        providerResult('code', {
          failed: failed.map((id) => ({ id, error: '503', reason: 'gave-up' as const, retryable: true })),
        }),
      ],
      now,
    });

    it('is the time the run began, for a new record and for a record without one', () => {
      for (const before of [undefined, { p: 'code' }]) {
        const ledger = ledgerOf(stateWith(before === undefined ? {} : { web: before }));
        recordFirstSyncs(ledger, outcome());
        assert.deepEqual(ledger.state.repositories, { web: { p: 'code', t: now } });
      }
    });

    it('waits, for a record without one, until everything the run sent of the repository had an answer (a commit left to retry is new work)', () => {
      const ledger = ledgerOf(stateWith({ web: { p: 'code' } }));
      recordFirstSyncs(ledger, outcome(['web/commit/abc']));
      assert.deepEqual(ledger.state.repositories, { web: { p: 'code' } });
    });

    it('never moves once recorded', () => {
      const ledger = ledgerOf(stateWith({ web: { p: 'code', t: FIRST_SYNC } }));
      recordFirstSyncs(ledger, outcome());
      assert.deepEqual(ledger.state.repositories, { web: { p: 'code', t: FIRST_SYNC } });
    });
  });
});
