import { FileStateStore } from '../../store/file/file-state-store';
import type { RecordChange } from '../../reconcile/state-store';
import { registerSecret } from '../../log';
import { PostgresUrl, postgresPassword } from '../../config/scalars';
import { runLogPathOf } from '../../store/file/file-backend';
import { RunLogFile } from '../../store/file/run-log-file';
import { thisProcess, describeHolder } from '../../store/holder';
import { postgresBackend } from '../../store/postgres/pg-backend';
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
  const password = postgresPassword(url);
  if (password !== undefined) registerSecret(password);

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
