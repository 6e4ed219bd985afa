import { readFileSync } from 'node:fs';
import type { FlagsyncConfig } from '../../config';
import type { Logger } from '../../log';
import {
  ciDefaults,
  deliver,
  describeEvent,
  eventId,
  drainSpool,
  prepareBuild,
  prepareDeployment,
  refusesTheEvent,
  spoolDirOf,
  spoolEvent,
  SpoolWriteError,
  UsageError,
  type BuildSendOptions,
  type DeploymentSendOptions,
  type PreparedEvent,
  type SendContext,
} from '../../send';
import { loadConfigOrExit, loggerFor } from '../context';
import type { GlobalOptions } from '../options';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, ExitError } from '../exit';
import { printErr, printOut } from '../output';
import { createClient } from '../wiring';
import { packageVersion } from '../package-root';
import { servicesFrom } from '../../jira/kinds/outcomes';

export interface SendFlags extends GlobalOptions {
  readonly dryRun?: boolean;
  readonly spool?: string | boolean;
  readonly ci?: boolean;
}

// Scrubbed like every other CLI output: a Jira or git message may quote a configured secret.
const out = printOut;
const err = printErr;

function prepareOrExit(prepare: () => Promise<PreparedEvent>): Promise<PreparedEvent> {
  return prepare().catch((error: unknown) => {
    if (error instanceof UsageError)
      throw new ExitError(
        EXIT_USAGE,
        error.problems.map((problem) => `flagsync send: ${problem}`),
      );
    throw error;
  });
}

/** A file the CI names (GitHub's event payload): its text, or undefined when it cannot be read. */
function readCiFile(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function context(flags: SendFlags): SendContext {
  const ci = flags.ci === false ? undefined : ciDefaults(process.env, readCiFile);
  return { now: Date.now(), cwd: process.cwd(), ...(ci !== undefined && { ci }) };
}

function hasAssociations(prepared: PreparedEvent): boolean {
  const entity = prepared.event.entity as { associations?: readonly unknown[] };
  return (entity.associations?.length ?? 0) > 0;
}

/** What the event links to, as sent: its issue keys, then its services (those Jira did not know left out). */
function linkedText(prepared: PreparedEvent, unknownServices: readonly string[] = []): string {
  const services = servicesFrom(
    prepared.event.entity as { associations?: readonly { associationType: string; values: readonly unknown[] }[] },
  );
  const known = services.filter((s) => !unknownServices.includes(s));
  const parts = [...prepared.issueKeys, ...(known.length > 0 ? [`services ${known.join(', ')}`] : [])];
  return parts.length > 0 ? parts.join(', ') : 'nothing Jira knows';
}

/** " (unknown to Jira: issue keys A-1; services svc-x)", or '' when Jira knew everything. */
function unknownText(result: { readonly unknownIssueKeys: readonly string[]; readonly unknownServices?: readonly string[] }): string {
  const parts = [
    ...(result.unknownIssueKeys.length > 0 ? [`issue keys ${result.unknownIssueKeys.join(', ')}`] : []),
    ...((result.unknownServices?.length ?? 0) > 0 ? [`services ${result.unknownServices!.join(', ')}`] : []),
  ];
  return parts.length === 0 ? '' : ` (unknown to Jira: ${parts.join('; ')})`;
}

async function sendPrepared(prepared: PreparedEvent, flags: SendFlags, config: FlagsyncConfig, logger: Logger): Promise<number> {
  const { event } = prepared;
  const what = describeEvent(event);
  for (const warning of prepared.warnings) err(`warning: ${what}: ${warning}`);
  const properties = config.jira.properties;
  if (flags.dryRun === true) {
    const field = event.kind === 'builds' ? 'builds' : 'deployments';
    // The body as the request carries it (the client's envelope: providerMetadata, the entity, properties).
    const body = { providerMetadata: { product: `flagsync ${packageVersion()}` }, [field]: [event.entity] };
    out(JSON.stringify({ ...body, ...(properties !== undefined && { properties }) }, null, 2));
    return EXIT_OK;
  }
  if (!hasAssociations(prepared)) {
    // As the Jenkins plugin does: nothing to link is not a pipeline failure.
    const line = `${what}: skipped, no issue keys found in --issue-keys, the branch name, the pull request's title or the commit messages; nothing sent`;
    if (flags.json === true) {
      out(JSON.stringify({ status: 'skipped', id: eventId(event), reason: 'no issue keys found' }));
      err(line);
    } else out(line);
    return EXIT_OK;
  }
  const result = await deliver(createClient(config, logger), event, properties);
  // Never spooled: no later try can go before the config changes, and a pipeline must not pass on it.
  if (result.status === 'failed' && result.configConflict === true) throw new ExitError(EXIT_USAGE, [`config error: ${result.error}`]);
  const spooling = spoolWanted(flags) && (result.status === 'unreachable' || (result.status === 'failed' && !refusesTheEvent(result)));
  // A spooled event's JSON says so (spool() prints it); every other outcome is Jira's answer as it is.
  if (flags.json === true && !spooling) out(JSON.stringify(result));
  const unknownNote = result.status === 'accepted' || result.status === 'rejected' ? unknownText(result) : '';
  switch (result.status) {
    case 'accepted':
      if (flags.json !== true) out(`${what}: accepted by Jira, linked to ${linkedText(prepared, result.unknownServices)}${unknownNote}`);
      return EXIT_OK;
    case 'rejected':
      err(`${what}: rejected by Jira: ${result.messages.join('; ')}${unknownNote}`);
      return EXIT_FAILED;
    case 'failed':
      // With --spool, kept as a drain would keep it: refused credentials, a missing permission or an answer that
      // does not list it may go later. A 400 or 413 for the event itself never will.
      if (spoolWanted(flags) && !refusesTheEvent(result)) return spool(`Jira did not take it: ${result.error}`);
      err(`${what}: not sent: ${result.error}`);
      return EXIT_FAILED;
    case 'unreachable': {
      if (!spoolWanted(flags)) {
        err(`${what}: Jira cannot be reached: ${result.error} (use --spool to keep it for later)`);
        return EXIT_FAILED;
      }
      return spool(`Jira cannot be reached: ${result.error}`);
    }
  }

  async function spool(why: string): Promise<number> {
    const dir = typeof flags.spool === 'string' ? flags.spool : spoolDirOf(config);
    let file: string;
    try {
      file = await spoolEvent(dir, event, Date.now());
    } catch (error) {
      if (!(error instanceof SpoolWriteError)) throw error;
      // In the folder, only its fsync failed: spooled, though a crash of this machine before the folder is written out
      // could still lose it.
      if (error.kept) {
        err(`warning: ${what}: ${error.message}; the event file is there but may not survive a crash of this machine`);
        file = error.file;
      } else {
        // Neither sent nor kept: the step fails, so the pipeline shows it and a rerun of the step sends it again.
        if (flags.json === true) out(JSON.stringify({ ...result, spoolError: error.message }));
        err(`${what}: ${why}; ${error.message}; the event is not kept: run this step again once Jira or the spool folder works`);
        return EXIT_FAILED;
      }
    }
    const line = `${what}: ${why}; spooled to ${file}; \`flagsync run\` or \`flagsync send drain\` delivers it`;
    if (flags.json === true) {
      out(JSON.stringify({ status: 'spooled', id: result.id, file, reason: why }));
      err(line);
    } else out(line);
    return EXIT_OK;
  }
}

const spoolWanted = (flags: SendFlags): boolean => flags.spool !== undefined && flags.spool !== false;

async function runSend(flags: SendFlags, prepare: (ctx: SendContext) => Promise<PreparedEvent>): Promise<number> {
  // A dry run prints the body and sends nothing: no Jira credentials needed.
  const config = await loadConfigOrExit(flags.config, { jiraUnused: flags.dryRun === true });
  const logger = loggerFor(flags, config);
  const prepared = await prepareOrExit(() => prepare(context(flags)));
  return sendPrepared(prepared, flags, config, logger);
}

/** `flagsync send drain`: delivers the spooled events now; exit 1 while any remain. */
export async function sendDrainCommand(flags: GlobalOptions & { spool?: string }): Promise<number> {
  const config = await loadConfigOrExit(flags.config);
  const logger = loggerFor(flags, config);
  const dir = flags.spool ?? spoolDirOf(config);
  const report = await drainSpool(dir, createClient(config, logger), logger, config.jira.properties);
  // The events stay spooled; nothing goes until the config changes, as `send` says with exit 2 too.
  if (report.configConflict === true)
    throw new ExitError(EXIT_USAGE, [`config error: ${report.stoppedBy ?? 'jira.site and jira.cloudId disagree'}`]);
  if (flags.json === true) out(JSON.stringify({ dir, ...report }));
  else {
    out(`spool ${dir}: ${report.delivered} delivered, ${report.rejected.length} refused, ${report.remaining} still spooled`);
    for (const r of report.rejected) out(`  refused: ${r.file}: ${r.reason}`);
    if (report.stoppedBy !== undefined) out(`  stopped: ${report.stoppedBy}`);
  }
  return report.remaining === 0 && report.rejected.length === 0 ? EXIT_OK : EXIT_FAILED;
}

/** `flagsync send build`: one build from a CI pipeline (exit 0 accepted or spooled, 1 refused, 2 bad arguments). */
export function sendBuildCommand(opts: BuildSendOptions & SendFlags): Promise<number> {
  return runSend(opts, (ctx) => prepareBuild(opts, ctx));
}

/** `flagsync send deployment`: as `send build`, for one deployment. */
export function sendDeploymentCommand(
  opts: DeploymentSendOptions & SendFlags & { readonly commit?: string; readonly repositoryUri?: string },
): Promise<number> {
  const ignored = [opts.commit === undefined ? [] : ['--commit'], opts.repositoryUri === undefined ? [] : ['--repository-uri']].flat();
  if (ignored.length > 0)
    err(
      `warning: ${ignored.join(' and ')}: build options, ignored for a deployment (Jira's deployments have no commit); a later version refuses them`,
    );
  return runSend(opts, (ctx) => prepareDeployment(opts, ctx));
}
