import { isLeft } from 'fp-ts/Either';
import { describeErrors } from '../kit/decode';
import { devinfoKind } from '../jira';
import type { JiraRepository } from '../jira/payloads';
import type { KindDescription } from '../jira/types';
import type { UnchangedSource } from '../kit/contract';
import { DevinfoSnapshotCodec, MAX_CURSOR_LENGTH, type DevinfoSnapshotData } from '../kit/devinfo';
import { linkRepository, type LinkedRepository as DevRepository } from '../model/devinfo-links';
import type { ProviderDesired } from './desired';
import { branchJiraId, desiredDevinfo, type DevinfoPayload } from './devinfo-desired';
import { devinfoRounds, isHistoryMember, memberOutcomes, stampDevinfo, type DevinfoPacket, type StampedDevinfo } from './devinfo-pack';
import {
  DEVINFO_REQUEST_FIELDS,
  firstSyncDone,
  historyCutoffs,
  recordFirstSyncs,
  repositoriesInState,
  sendModeOf,
} from './devinfo-send-mode';
import type { CollectedSource, DesireContext, ReconcileKind } from './kind';
import type { ProviderRuntime } from './provider';
import { mappingKey, unchangedSourceDesired } from './source-skip';
import { recordsOf, type EntityRecord, type SyncState } from './state';

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

/** One devinfo provider's read: its repositories linked to issues, or "unchanged" (source-skip.ts). */
export interface DevinfoRead {
  readonly repositories: readonly DevRepository[];
  readonly sourceFingerprint?: string;
  readonly unchanged?: true;
  /** What was trimmed from the adapter's answer (a cursor too long to keep), for the run's warnings. */
  readonly warnings?: readonly string[];
}

/**
 * A cursor over MAX_CURSOR_LENGTH is dropped, with a warning naming the repository, instead of failing the whole
 * snapshot: the next read goes by its commit window alone, as before cursors.
 */
function withoutLongCursors(value: unknown, warnings: string[]): unknown {
  const repositories = (value as { repositories?: unknown } | null)?.repositories;
  if (!Array.isArray(repositories)) return value;
  let trimmed: unknown[] | undefined;
  repositories.forEach((repo: unknown, i) => {
    const cursor = (repo as { cursor?: unknown } | null)?.cursor;
    if (typeof cursor !== 'string' || cursor.length <= MAX_CURSOR_LENGTH) return;
    const { cursor: _tooLong, ...rest } = repo as Record<string, unknown>;
    (trimmed ??= [...repositories])[i] = rest;
    warnings.push(
      `repository ${String(rest['id'])}: its cursor (${cursor.length} characters) is over ${MAX_CURSOR_LENGTH}, not kept: the next read goes by its commit window alone`,
    );
  });
  return trimmed === undefined ? value : { ...(value as object), repositories: trimmed };
}

/** Validates what an adapter returned, as validateSnapshot does for flags, and links it to issues. */
export function checkDevinfoSnapshot(value: unknown): DevinfoRead {
  const warnings: string[] = [];
  const decoded = DevinfoSnapshotCodec.decode(withoutLongCursors(value, warnings));
  if (isLeft(decoded))
    throw new Error(`adapter returned an invalid devinfo snapshot: ${describeErrors(decoded.left).slice(0, 5).join('; ')}`);
  const { repositories, sourceFingerprint } = decoded.right;
  return {
    repositories: repositories.map(linkRepository),
    ...(sourceFingerprint !== undefined && { sourceFingerprint }),
    ...(warnings.length > 0 && { warnings }),
  };
}

const isUnchanged = (value: DevinfoSnapshotData | UnchangedSource): value is UnchangedSource =>
  (value as Partial<UnchangedSource>).unchanged === true;

/** The cursors of the repositories `provider` read last (RepositoryRecord.c), for its next read. */
function cursorsOf(state: SyncState | undefined, provider: string): Map<string, string> {
  const cursors = new Map<string, string>();
  const repositories = state?.repositories ?? {};
  for (const id in repositories) {
    const record = repositories[id]!;
    if (record.p === provider && record.c !== undefined) cursors.set(id, record.c);
  }
  return cursors;
}

async function readDevinfo(
  provider: ProviderRuntime,
  signal: AbortSignal,
  acceptedSource?: string,
  state?: SyncState,
): Promise<DevinfoRead> {
  if (provider.source.produces !== 'devinfo') throw new Error(`the provider produces ${provider.source.produces}, not devinfo`);
  const adapter = provider.source.source;
  const context = { cursors: cursorsOf(state, provider.name) };
  const answer =
    acceptedSource !== undefined && adapter.snapshotUnlessUnchanged !== undefined
      ? await adapter.snapshotUnlessUnchanged(signal, acceptedSource, context)
      : await adapter.snapshot(signal, context);
  if (typeof answer === 'object' && answer !== null && isUnchanged(answer)) {
    if (acceptedSource === undefined || answer.sourceFingerprint !== acceptedSource)
      throw new Error('adapter answered "unchanged" for a source fingerprint the core did not ask about');
    return { repositories: [], sourceFingerprint: answer.sourceFingerprint, unchanged: true };
  }
  return checkDevinfoSnapshot(answer);
}

/** Repository ids a provider's records in state belong to (an unchanged source's repositories, unread). */
function repositoriesHeldBy(state: SyncState, provider: string): string[] {
  const records = recordsOf(state, 'devinfo');
  const ids: string[] = [];
  for (const id in records) if (records[id]!.p === provider) ids.push(id);
  return [...repositoriesInState(ids)];
}

/**
 * A Jira repository id belongs to one provider: two providers listing the same id would take its state records from
 * each other every run, and one's vanished branch would delete the other's. The earlier provider (config order)
 * keeps the id; a later one listing it fails as a whole, so it sends and deletes nothing.
 */
export function desireDevinfo(
  sources: readonly CollectedSource<DevinfoRead>[],
  context: Pick<DesireContext, 'state'>,
): ProviderDesired<DevinfoPayload>[] {
  const owner = new Map<string, string>();
  return sources.map((source): ProviderDesired<DevinfoPayload> => {
    const provider = source.provider.name;
    if (!source.ok) return { provider, ok: false, error: source.error };
    const ids = source.data.unchanged === true ? repositoriesHeldBy(context.state, provider) : source.data.repositories.map((r) => r.id);
    const taken = ids.find((id) => owner.has(id) && owner.get(id) !== provider);
    if (taken !== undefined) {
      return {
        provider,
        ok: false,
        error: `repository id "${taken}" is already listed by provider "${owner.get(taken)}"; provider "${provider}" must give its repository another id`,
      };
    }
    for (const id of ids) owner.set(id, provider);
    if (source.data.unchanged === true) return unchangedSourceDesired(context.state, 'devinfo', provider);
    const desired = desiredDevinfo(source.data.repositories, provider);
    const trimmed = source.data.warnings ?? [];
    return trimmed.length === 0 ? desired : { ...desired, warnings: [...trimmed, ...desired.warnings] };
  });
}

/**
 * Bump whenever a repository → Jira payload change alters what unchanged sources produce (devinfo-desired.ts,
 * devinfo-links.ts): a source skipped as unchanged is otherwise never mapped again.
 */
export const DEVINFO_MAPPING_VERSION = 1;

/** What decides a provider's devinfo besides its source: its name and the request properties. */
const devinfoSettingsKey = (provider: ProviderRuntime, properties?: Readonly<Record<string, string>>): string =>
  mappingKey(
    JSON.stringify(['devinfo', DEVINFO_MAPPING_VERSION, provider.name, properties === undefined ? '' : Object.entries(properties).sort()]),
  );

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

/**
 * Backfill, quiet or normal per repository (devinfo-send-mode.ts), from state before the run sends anything: the
 * repositories whose first sync by this provider is done. One whose records name another provider (moved to this
 * one) is new to this provider: what it finds there is history. So is a chunk of commits authored before the first
 * sync (the packer keeps them apart): a backfill too.
 */
export function devinfoRequestFieldsFor(state: SyncState, provider: string): (packet: DevinfoPacket) => Readonly<Record<string, unknown>> {
  const done = firstSyncDone(state, provider);
  const cutoffs = historyCutoffs(state, provider);
  return (packet) => {
    const header = packet.members[0]?.write.entity.payload.repository;
    const mode = sendModeOf(packet.entity.id, done, header?.transitions !== false);
    const history = mode !== 'backfill' && packet.members.length > 0 && packet.members.every((m) => isHistoryMember(m, cutoffs));
    return DEVINFO_REQUEST_FIELDS[history ? 'backfill' : mode];
  };
}

/** Development information: one state entity per branch and commit, sent grouped into repositories. */
export const devinfoReconcileKind: ReconcileKind<DevinfoRead, DevinfoPayload, StampedDevinfo, JiraRepository> = {
  name: 'devinfo',
  submitAs: devinfoKind,
  deleteAs: devinfoEntityKind,
  read: readDevinfo,
  readsState: true,
  sourceSkipping: {
    settingsKey: devinfoSettingsKey,
    /**
     * With one devinfo provider only: which of several owns a repository is decided by config order over what each
     * lists, and an unread provider's list is not known (state holds only its linked branches and commits).
     */
    appliesTo: (providers) => providers.length === 1,
    // A repository is read whole or the provider fails, so a read source is always complete.
    report: (data) => ({
      ...(data.sourceFingerprint !== undefined && { fingerprint: data.sourceFingerprint }),
      unchanged: data.unchanged === true,
      complete: true,
    }),
    unchangedData: (fingerprint) => ({ repositories: [], sourceFingerprint: fingerprint, unchanged: true }),
  },
  desire: desireDevinfo,
  stamp: stampDevinfo,
  pack: devinfoRounds,
  unpack: memberOutcomes,
  isHistory: isCommitEntityId,
  requestFieldsFor: devinfoRequestFieldsFor,
  firstSyncs: {
    listed: (data) => (data.unchanged === true ? undefined : new Map(data.repositories.map((r) => [r.id, r.cursor]))),
    record: recordFirstSyncs,
  },
  deleteParams: devinfoDeleteParams,
};
