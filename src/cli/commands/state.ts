import { FileStateStore } from '../../store/file/file-state-store';
import type { RecordChange } from '../../reconcile/state-store';
import { registerSecret } from '../../log';
import { PostgresUrl, percentDecoded } from '../../config/scalars';
import { lockPathOf, runLogPathOf } from '../../store/file/file-backend';
import { LockFile, type LockState } from '../../store/file/lock-file';
import { RunLogFile } from '../../store/file/run-log-file';
import { thisProcess, describeHolder } from '../../store/holder';
import { writerSession } from '../../store/postgres/advisory-lock';
import { describeDatabase } from '../../store/postgres/connect';
import { postgresBackend } from '../../store/postgres/pg-backend';
import { loadConfigOrExit } from '../context';
import type { GlobalOptions } from '../options';
import { printErr, printOut } from '../output';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, ExitError } from '../exit';
import type { KindName } from '../../jira/types';

export interface StateMigrateOptions {
  readonly from: string;
  /** Default: $DATABASE_URL (a password on the command line shows in `ps`). */
  readonly to?: string;
}

/**
 * `flagsync state migrate --from state.json --to postgres://…`: copies a file state (and its run log) into an empty
 * database, holding the database's writer lock so no run writes meanwhile. A database that already holds records
 * is left alone: mixing two states could delete in Jira what one of them still needs.
 */
export async function stateMigrateCommand(options: StateMigrateOptions): Promise<number> {
  const url = options.to ?? process.env['DATABASE_URL'];
  if (url === undefined || url === '')
    throw new ExitError(EXIT_USAGE, ['flagsync: state migrate: give --to <postgres URL> or set DATABASE_URL']);
  if (!PostgresUrl.is(url))
    throw new ExitError(EXIT_USAGE, [
      'flagsync: state migrate: --to: expected a PostgreSQL URL (postgres://user:password@host:5432/database)',
    ]);
  const password = new URL(url).password;
  if (password !== '') registerSecret(percentDecoded(password) ?? password);

  const state = await new FileStateStore(options.from).load();
  const changes: RecordChange[] = [];
  for (const [kind, records] of Object.entries(state.entities) as [KindName, Record<string, never> | undefined][])
    for (const [id, record] of Object.entries(records ?? {})) changes.push({ type: 'put', kind, id, record });
  // The devinfo repositories whose first sync is done, so the next run does not backfill them again: a state of
  // repositories that linked nothing yet holds these only.
  const repositories = Object.entries(state.repositories ?? {});
  for (const [id, record] of repositories) changes.push({ type: 'repository', id, record });
  if (changes.length === 0) {
    process.stderr.write(`flagsync: state migrate: ${options.from} holds no records (missing or empty); nothing to copy\n`);
    return EXIT_FAILED;
  }

  const target = postgresBackend(url);
  try {
    const lock = await target.lock.tryAcquire(thisProcess());
    if (!lock.acquired) {
      process.stderr.write(`flagsync: state migrate: a run is writing to ${target.where}: ${describeHolder(lock.holder)}; stop it first\n`);
      return EXIT_FAILED;
    }
    try {
      const held = await target.state.count();
      if (held > 0) {
        process.stderr.write(`flagsync: state migrate: ${target.where} already holds ${held} records; nothing copied\n`);
        return EXIT_FAILED;
      }
      await target.state.save(state, changes);
      const runs = await new RunLogFile(runLogPathOf(options.from)).recent(50);
      for (const run of [...runs].reverse()) {
        const id = await target.runs.start(run.replica, run.startedAt, run.scope);
        if (run.endedAt !== undefined && run.outcome !== 'running') {
          await target.runs.finish(id, {
            endedAt: run.endedAt,
            outcome: run.outcome,
            ...(run.reason === undefined ? {} : { reason: run.reason }),
            ...(run.providers === undefined ? {} : { providers: run.providers }),
          });
        }
      }
      const copied = await target.state.count();
      const perKind = [
        ...Object.entries(state.entities).map(([kind, records]) => `${kind} ${Object.keys(records ?? {}).length}`),
        ...(repositories.length === 0 ? [] : [`repositories ${repositories.length}`]),
      ].join(', ');
      process.stdout.write(`copied ${copied} records (${perKind}) and ${runs.length} runs from ${options.from} to ${target.where}\n`);
      return EXIT_OK;
    } finally {
      await lock.release();
    }
  } finally {
    await target.close();
  }
}

export interface StateUnlockOptions extends Pick<GlobalOptions, 'config'> {
  /** Remove the lock even while its holder keeps it fresh. */
  readonly force?: boolean;
}

const seconds = (ms: number): string => `${Math.round(ms / 1000)} s`;

/** "last refreshed <time> (<n> s ago)", or how far in the future its stamp is by this host's clock. */
function refreshedLine(lock: LockFile, state: LockState): string {
  const age = lock.ageMs(state);
  const when = new Date(state.refreshedMs).toISOString();
  if (age >= -1000) return `last refreshed ${when} (${seconds(Math.max(0, age))} ago)`;
  return `last refreshed ${when}, ${seconds(-age)} in the future by this host's clock (the clocks of the hosts sharing the volume disagree)`;
}

/**
 * `flagsync state unlock [--force]`: shows who holds the writer lock, and since when it was last refreshed; removes a
 * stale one (its holder's process gone from this host, or not refreshed for a lease period), which the next run would
 * also take over; refuses a live one unless --force. A PostgreSQL store's lock is an advisory lock that ends with its
 * session: there is nothing to remove, only who holds it to show.
 */
export async function stateUnlockCommand(options: StateUnlockOptions): Promise<number> {
  const config = await loadConfigOrExit(options.config);
  if (config.state.store === 'postgres') return unlockPostgres(config.state.url);
  const lock = new LockFile(lockPathOf(config.state.path));
  const current = await lock.read();
  if (current === undefined) {
    printOut(`no writer lock at ${lock.file}: nothing to unlock`);
    return EXIT_OK;
  }
  const who =
    current.holder === undefined
      ? `holds no holder flagsync can read (${JSON.stringify(current.text.slice(0, 200))})`
      : `held by ${describeHolder(current.holder)}`;
  printOut(`writer lock ${lock.file}: ${who}; ${refreshedLine(lock, current)}`);
  const verdict = lock.judge(current);
  const lease = `a running flagsync refreshes it every ${seconds(lock.heartbeatMs)}; one not refreshed for ${seconds(lock.leaseMs)} is stale`;
  const stale =
    verdict === 'dead'
      ? `its process (pid ${current.holder?.pid}) is gone from this host`
      : verdict === 'expired'
        ? `not refreshed for ${seconds(lock.ageMs(current))} (${lease})`
        : undefined;
  if (stale === undefined && options.force !== true) {
    printErr(
      `flagsync: state unlock: the lock is live: refreshed within its lease (${lease}). Stop its holder, or wait: once the ` +
        `holder is gone, the next run takes the lock over ${seconds(lock.leaseMs)} after its last refresh. --force removes it ` +
        `anyway; a holder still running then stops writing state when it notices (within ${seconds(lock.heartbeatMs)})`,
    );
    return EXIT_FAILED;
  }
  if (!(await lock.removeIfStill(current))) {
    printErr(
      'flagsync: state unlock: the lock changed while it was being removed (refreshed by its holder, or taken by another run); nothing removed: look again',
    );
    return EXIT_FAILED;
  }
  printOut(
    stale === undefined
      ? `removed the live writer lock (--force): a holder still running stops writing state when it notices (within ${seconds(lock.heartbeatMs)})`
      : `removed the stale writer lock: ${stale}`,
  );
  return EXIT_OK;
}

async function unlockPostgres(url: string): Promise<number> {
  const where = describeDatabase(url);
  const about = `the writer lock of ${where} is a PostgreSQL advisory lock, which ends with its holder's session (a killed run's connection drops, and the lock with it): there is nothing to remove`;
  const session = await writerSession(url);
  if (session === undefined) {
    printOut(`${about}. No session holds it now.`);
    return EXIT_OK;
  }
  const details = [
    session.application === undefined ? undefined : `application "${session.application}"`,
    session.clientAddress === undefined ? undefined : `from ${session.clientAddress}`,
    session.connectedSince === undefined ? undefined : `connected since ${session.connectedSince}`,
  ].filter((d) => d !== undefined);
  const holder = session.holder === undefined ? '' : ` (${describeHolder(session.holder)})`;
  printErr(
    `flagsync: state unlock: ${about}. It is held now by session ${session.backendPid}${holder}${details.length > 0 ? `, ${details.join(', ')}` : ''}. ` +
      `Stop that run, or end its session (SELECT pg_terminate_backend(${session.backendPid})): it then stops writing state.`,
  );
  return EXIT_FAILED;
}
