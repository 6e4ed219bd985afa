import { isLeft } from 'fp-ts/Either';
import { describeErrors } from '../kit/decode';
import { devinfoKind } from '../jira';
import type { JiraRepository } from '../jira/payloads';
import type { KindDescription } from '../jira/types';
import { DevinfoSnapshotCodec } from '../kit/devinfo';
import { linkRepository, type LinkedRepository as DevRepository } from '../model/devinfo-links';
import type { ProviderDesired } from './desired';
import { branchJiraId, desiredDevinfo, type DevinfoPayload } from './devinfo-desired';
import { devinfoRounds, memberOutcomes, stampDevinfo, type DevinfoPacket, type StampedDevinfo } from './devinfo-pack';
import { DEVINFO_REQUEST_FIELDS, repositoriesInState, sendModeOf } from './devinfo-send-mode';
import type { CollectedSource, ReconcileKind } from './kind';
import type { EntityRecord } from './state';

/**
 * Devinfo as the reconciler deletes it: the ids in state are branches and commits (`<repoId>/branch/<name>`), and
 * each maps onto Jira's deleteEntity path `/repository/{repositoryId}/{branch|commit}/{entityId}`. Submitting is
 * unchanged (repositories, via devinfoKind).
 */
export const devinfoEntityKind: KindDescription<JiraRepository> = {
  ...devinfoKind,
  entityPath(id: string): string {
    const match = /^([^/]+)\/(branch|commit)\/(.+)$/.exec(id);
    if (match === null) throw new Error(`not a devinfo entity id (expected "<repositoryId>/branch|commit/<name>"): ${id}`);
    const [, repository = '', type, name = ''] = match;
    const entityId = type === 'branch' ? branchJiraId(name) : name;
    return `/repository/${encodeURIComponent(repository)}/${type}/${encodeURIComponent(entityId)}`;
  },
};

/** Commits are history: one that left a provider's window (its most recent N) is forgotten, not deleted. */
export const isCommitEntityId = (id: string): boolean => /^[^/]+\/commit\//.test(id);

/** Validates what an adapter returned, as validateSnapshot does for flags, and links it to issues. */
export function checkDevinfoSnapshot(value: unknown): readonly DevRepository[] {
  const decoded = DevinfoSnapshotCodec.decode(value);
  if (isLeft(decoded))
    throw new Error(`adapter returned an invalid devinfo snapshot: ${describeErrors(decoded.left).slice(0, 5).join('; ')}`);
  return decoded.right.repositories.map(linkRepository);
}

/**
 * A Jira repository id belongs to one provider: two providers listing the same id would take its state records from
 * each other every run, and one's vanished branch would delete the other's. The earlier provider (config order)
 * keeps the id; a later one listing it fails as a whole, so it sends and deletes nothing.
 */
export function desireDevinfo(sources: readonly CollectedSource<readonly DevRepository[]>[]): ProviderDesired<DevinfoPayload>[] {
  const owner = new Map<string, string>();
  return sources.map((source): ProviderDesired<DevinfoPayload> => {
    const provider = source.provider.name;
    if (!source.ok) return { provider, ok: false, error: source.error };
    const taken = source.data.find((r) => owner.has(r.id) && owner.get(r.id) !== provider);
    if (taken !== undefined) {
      return {
        provider,
        ok: false,
        error: `repository id "${taken.id}" is already listed by provider "${owner.get(taken.id)}"; provider "${provider}" must give its repository another id`,
      };
    }
    for (const r of source.data) owner.set(r.id, provider);
    return desiredDevinfo(source.data, provider);
  });
}

/**
 * Devinfo deletes still honour `_updateSequenceId`: only what Jira holds at or below it goes. At or above every
 * number Jira accepted for these branches (and the clock), so the delete takes them but nothing sent after it.
 */
export function devinfoDeleteParams(
  ids: readonly string[],
  records: Readonly<Record<string, EntityRecord>>,
  nowMs: number,
): Record<string, string> {
  return { _updateSequenceId: String(ids.reduce((max, id) => Math.max(max, records[id]?.s ?? 0), nowMs)) };
}

/** Backfill, quiet or normal per repository (devinfo-send-mode.ts), from the records before the run sends anything. */
export function devinfoRequestFieldsFor(
  records: Readonly<Record<string, EntityRecord>>,
): (packet: DevinfoPacket) => Readonly<Record<string, unknown>> {
  const inState = repositoriesInState(Object.keys(records));
  return (packet) => {
    const header = packet.members[0]?.write.entity.payload.repository;
    return DEVINFO_REQUEST_FIELDS[sendModeOf(packet.entity.id, inState, header?.transitions !== false)];
  };
}

/** Development information: one state entity per branch and commit, sent grouped into repositories. */
export const devinfoReconcileKind: ReconcileKind<readonly DevRepository[], DevinfoPayload, StampedDevinfo, JiraRepository> = {
  name: 'devinfo',
  submitAs: devinfoKind,
  deleteAs: devinfoEntityKind,
  read: async (provider, signal) => {
    if (provider.source.produces !== 'devinfo') throw new Error(`the provider produces ${provider.source.produces}, not devinfo`);
    return checkDevinfoSnapshot(await provider.source.source.snapshot(signal));
  },
  desire: desireDevinfo,
  stamp: stampDevinfo,
  pack: devinfoRounds,
  unpack: memberOutcomes,
  isHistory: isCommitEntityId,
  requestFieldsFor: devinfoRequestFieldsFor,
  deleteParams: devinfoDeleteParams,
};
