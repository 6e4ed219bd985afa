import { devinfoKind, featureFlagsKind, JiraRequestError, type KindAddress, type KindName } from '../../jira';
import { PROVIDER_PROPERTY } from '../../model/properties';
import type { RecordChange } from '../../reconcile/state-store';
import { forgetProvider, PURGEABLE_KINDS, purgePreview, type PurgePreview } from '../../reconcile/purge';
import { recordsOf, repositoryRecordsOf, sourcesOf, type SyncState } from '../../reconcile/state';
import { loadConfigOrExit, loggerFor } from '../context';
import type { GlobalOptions } from '../options';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, ExitError } from '../exit';
import type { FlagsyncConfig } from '../../config';
import type { StateStore } from '../../reconcile/state-store';
import { openStateBackend } from '../../store';
import { describeHolder, thisProcess } from '../../store/holder';
import { createClient } from '../wiring';
import { printOut } from '../output';

export interface PurgeOptions extends GlobalOptions {
  readonly provider?: string;
  readonly yes?: boolean;
}

const kinds: Record<string, KindAddress> = { featureflags: featureFlagsKind, devinfo: devinfoKind };

const SHOWN = 20;

/** `unknown`: no answer came (or an earlier attempt's was lost), so Jira may have deleted some or all of it. */
type KindOutcome = { kind: KindName; status: 'deleted' | 'not-permitted' | 'failed' | 'unknown'; forgotten: number; error?: string };

function previewLines(preview: PurgePreview, configured: boolean): string[] {
  const lines = [
    `flagsync purge: deletes from Jira every feature flag and every piece of development information sent with property ${PROVIDER_PROPERTY}=${preview.provider},`,
    '  including any the state file does not know (Jira deletes by property, not by id).',
  ];
  for (const { kind, ids } of preview.recorded) {
    if (ids.length === 0) continue;
    lines.push(`  the state file records ${ids.length} ${kind} entities of "${preview.provider}":`);
    for (const id of ids.slice(0, SHOWN)) lines.push(`    - ${id}`);
    if (ids.length > SHOWN) lines.push(`    … and ${ids.length - SHOWN} more`);
  }
  if (preview.recorded.every((r) => r.ids.length === 0)) lines.push(`  the state file records nothing of "${preview.provider}".`);
  if (configured) lines.push(`  "${preview.provider}" is still in the config: the next run sends its flags again.`);
  return lines;
}

/**
 * `flagsync purge --provider NAME`: removes from Jira everything flagsync sent for one provider, with Jira's
 * delete-by-property API (every request carries the provider's name). Shows what it will delete; deletes only with --yes.
 */
export async function purgeCommand(options: PurgeOptions): Promise<number> {
  const provider = options.provider;
  if (provider === undefined || provider === '') throw new ExitError(EXIT_USAGE, ['flagsync purge: --provider NAME is required']);
  const config = await loadConfigOrExit(options.config);
  const backend = openStateBackend(config.state);
  try {
    if (options.yes !== true) return await purgeWith(options, provider, config, backend.state);
    // Deleting writes state as a run does, under the same writer lock: beside a run, one of the two saves would put
    // back what the other wrote (the purged records, or marks of batches already on the wire).
    const lock = await backend.lock.tryAcquire(thisProcess());
    if (!lock.acquired) {
      throw new ExitError(EXIT_FAILED, [
        `flagsync purge: another run holds the writer lock (${backend.where}): ${describeHolder(lock.holder)}; nothing was deleted. Stop the daemon (or let the run end) and purge again`,
      ]);
    }
    try {
      return await purgeWith(options, provider, config, backend.state);
    } finally {
      await lock.release();
    }
  } finally {
    await backend.close();
  }
}

/** Exported for tests: `purgeCommand` with a given store. */
export async function purgeWith(options: PurgeOptions, provider: string, config: FlagsyncConfig, store: StateStore): Promise<number> {
  const state = await store.load();
  const preview = purgePreview(state, provider);
  const configured = config.providers.some((p) => p.name === provider);
  if (options.yes !== true) {
    if (options.json === true) {
      printOut(JSON.stringify({ ok: false, provider, deleted: false, recorded: jsonRecorded(preview), confirm: '--yes' }));
    } else {
      printOut([...previewLines(preview, configured), 'nothing was deleted: run again with --yes to delete.'].join('\n'));
    }
    return EXIT_USAGE;
  }
  const client = createClient(config, loggerFor(options, config));
  // Write-ahead, as for every send: a crash after Jira deleted and before the save below must leave neither records
  // claiming Jira holds the provider's entities nor a source fingerprint vouching for them. Marked in flight, they
  // are sent again by the next run that reads the provider; the save below writes what really happened.
  // Its devinfo repositories' records go too: everything they sent is deleted, so the next run's resend of their
  // history must be a backfill again (devinfo-send-mode.ts), not new work whose smart commits act.
  const repositories = Object.entries(state.repositories ?? {}).filter(([, record]) => record.p === provider);
  await store.append([
    { type: 'source', provider },
    ...inFlightMarks(state, provider),
    ...repositories.map(([id]): RecordChange => ({ type: 'repository', id })),
  ]);
  const outcomes: KindOutcome[] = [];
  const changes: RecordChange[] = [];
  for (const kind of PURGEABLE_KINDS) {
    try {
      await client.deleteByProperties(kinds[kind]!, { [PROVIDER_PROPERTY]: provider });
      const forgotten = forgetProvider(state, kind, provider);
      changes.push(...forgotten);
      outcomes.push({ kind, status: 'deleted', forgotten: forgotten.length });
    } catch (error) {
      if (!(error instanceof JiraRequestError)) throw error;
      // Without the permission for a kind, this credential cannot have sent any of it (unless it was revoked since).
      const recorded = preview.recorded.find((r) => r.kind === kind)?.ids.length ?? 0;
      const status = !error.nothingDone ? 'unknown' : error.status === 403 && recorded === 0 ? 'not-permitted' : 'failed';
      // Jira answered and deleted nothing: the records are true again (a store of rows keeps the marks otherwise).
      // Without such an answer Jira may have deleted it all: the marks stay, and the next run sends everything again.
      for (const mark of inFlightMarks(state, provider, kind)) {
        if (error.nothingDone) changes.push({ ...mark, record: recordsOf(state, kind)[mark.id]! });
        else {
          recordsOf(state, kind)[mark.id] = mark.record;
          changes.push(mark);
        }
      }
      outcomes.push({ kind, status, forgotten: 0, error: error.message });
    }
  }
  // The provider's source fingerprint would let the next run skip reading it as "unchanged": Jira no longer holds
  // what that run accepted, so the next run must read and send everything again.
  delete sourcesOf(state)[provider];
  changes.push({ type: 'source', provider });
  // Jira answered and deleted no devinfo: its repositories' first syncs still stand (a store of rows dropped them).
  const devinfoKept = outcomes.some((o) => o.kind === 'devinfo' && (o.status === 'failed' || o.status === 'not-permitted'));
  for (const [id, record] of repositories) {
    if (devinfoKept) changes.push({ type: 'repository', id, record });
    else {
      delete repositoryRecordsOf(state)[id];
      changes.push({ type: 'repository', id });
    }
  }
  await store.save(state, changes);
  const ok = outcomes.every((o) => o.status === 'deleted' || o.status === 'not-permitted');
  if (options.json === true) {
    printOut(JSON.stringify({ ok, provider, deleted: true, recorded: jsonRecorded(preview), kinds: outcomes }));
  } else {
    const lines = previewLines(preview, configured);
    for (const o of outcomes) {
      if (o.status === 'deleted') lines.push(`${o.kind}: deleted in Jira; ${o.forgotten} state records removed`);
      else if (o.status === 'not-permitted') lines.push(`${o.kind}: skipped: the credential may not send ${o.kind}, so it sent none`);
      else if (o.status === 'unknown')
        lines.push(`${o.kind}: FAILED, Jira may have deleted some or all of it: ${o.error ?? 'unknown error'}; run purge again`);
      else lines.push(`${o.kind}: FAILED, nothing of it deleted: ${o.error ?? 'unknown error'}`);
    }
    if (configured && outcomes.some((o) => o.status === 'deleted')) {
      // Jira deletes by property asynchronously, and says nothing of data sent while the deletion is pending.
      lines.push(
        `note: Jira deletes asynchronously; wait a few minutes before the next sync of ${provider} (still in the config), or what it sends meanwhile may be deleted with the rest`,
      );
    }
    printOut(lines.join('\n'));
  }
  return ok ? EXIT_OK : EXIT_FAILED;
}

type Put = Extract<RecordChange, { type: 'put' }>;

/** Every record of `provider` (of one kind, or all purgeable ones) marked in flight. */
function inFlightMarks(state: SyncState, provider: string, only?: KindName): Put[] {
  return (only === undefined ? PURGEABLE_KINDS : [only]).flatMap((kind) =>
    Object.entries(recordsOf(state, kind)).flatMap(([id, record]): Put[] =>
      // As the ledger marks a send (markInFlight): no hash and no source fingerprint, so nothing vouches for it.
      record.p === provider
        ? [{ type: 'put', kind, id, record: { h: '', s: record.s, p: record.p, ...(record.f !== undefined && { f: record.f }) } }]
        : [],
    ),
  );
}

function jsonRecorded(preview: PurgePreview): Record<string, readonly string[]> {
  return Object.fromEntries(preview.recorded.map((r) => [r.kind, r.ids]));
}
