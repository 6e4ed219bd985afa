import type { Command } from 'commander';
import type { FlagsyncConfig } from '../../config';
import type { Logger } from '../../log';
import {
  BUILD_STATES,
  ciDefaults,
  DEPLOYMENT_ENVIRONMENT_TYPES,
  DEPLOYMENT_STATES,
  deliver,
  describeEvent,
  drainSpool,
  prepareBuild,
  prepareDeployment,
  spoolDirOf,
  spoolEvent,
  UsageError,
  type BuildSendOptions,
  type DeploymentSendOptions,
  type PreparedEvent,
  type SendContext,
} from '../../send';
import { loadConfigOrExit, loggerFor, withGlobalOptions, type GlobalOptions } from '../context';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, ExitError } from '../exit';
import { printErr, printOut } from '../output';
import { createClient } from '../wiring';

interface SendFlags extends GlobalOptions {
  readonly dryRun?: boolean;
  readonly spool?: string | boolean;
  readonly ci?: boolean;
}

// Scrubbed like every other CLI output: a Jira or git message may quote a configured secret.
const out = printOut;
const err = printErr;

function withCommon(command: Command): Command {
  return withGlobalOptions(command)
    .option('--pipeline-id <id>', 'pipeline (job, plan) id')
    .option('--display-name <text>', 'name shown in Jira')
    .option('--url <url>', 'link to this run in the CI server')
    .option('--description <text>', 'description')
    .option('--label <text>', 'label (e.g. a version)')
    .option('--branch <name>', 'branch; issue keys in its name are linked')
    .option('--commit <sha>', 'commit the run is for')
    .option('--repository-uri <uri>', 'repository the commit and branch belong to')
    .option('--issue-keys <keys>', 'issue keys, comma separated')
    .option('--commits <range>', "FROM..TO: issue keys in these commits' messages (read with git)")
    .option('--repo <dir>', 'git working copy for --commits (default: the current folder)')
    .option('--last-updated <time>', 'ISO-8601 time of the last change (default: now)')
    .option('--no-ci', 'ignore CI environment variables')
    .option('--dry-run', 'print the JSON that would be sent; send nothing')
    .option('--spool [dir]', 'when Jira cannot be reached, keep the event in this folder for the daemon (default: beside the state file)');
}

function prepareOrExit(prepare: () => Promise<PreparedEvent>): Promise<PreparedEvent> {
  return prepare().catch((error: unknown) => {
    if (error instanceof UsageError) throw new ExitError(EXIT_USAGE, [`flagsync send: ${error.message}`]);
    throw error;
  });
}

function context(flags: SendFlags): SendContext {
  const ci = flags.ci === false ? undefined : ciDefaults(process.env);
  return { now: Date.now(), cwd: process.cwd(), ...(ci !== undefined && { ci }) };
}

function hasAssociations(prepared: PreparedEvent): boolean {
  const entity = prepared.event.entity as { associations?: readonly unknown[] };
  return (entity.associations?.length ?? 0) > 0;
}

async function sendPrepared(prepared: PreparedEvent, flags: SendFlags, config: FlagsyncConfig, logger: Logger): Promise<number> {
  const { event } = prepared;
  const what = describeEvent(event);
  for (const warning of prepared.warnings) err(`warning: ${what}: ${warning}`);
  const properties = config.jira.properties;
  if (flags.dryRun === true) {
    const field = event.kind === 'builds' ? 'builds' : 'deployments';
    out(JSON.stringify({ [field]: [event.entity], ...(properties !== undefined && { properties }) }, null, 2));
    return EXIT_OK;
  }
  if (!hasAssociations(prepared)) {
    // As the Jenkins plugin does: nothing to link is not a pipeline failure.
    out(`${what}: skipped, no issue keys found in --issue-keys, the branch name or the commit messages; nothing sent`);
    return EXIT_OK;
  }
  const result = await deliver(createClient(config, logger), event, properties);
  if (flags.json === true) out(JSON.stringify(result));
  const unknown = result.status === 'accepted' || result.status === 'rejected' ? result.unknownIssueKeys : [];
  const unknownNote = unknown.length > 0 ? ` (issue keys unknown to Jira: ${unknown.join(', ')})` : '';
  switch (result.status) {
    case 'accepted':
      if (flags.json !== true) out(`${what}: accepted by Jira, linked to ${prepared.issueKeys.join(', ')}${unknownNote}`);
      return EXIT_OK;
    case 'rejected':
      err(`${what}: rejected by Jira: ${result.messages.join('; ')}${unknownNote}`);
      return EXIT_FAILED;
    case 'failed':
      err(`${what}: not sent: ${result.error}`);
      return EXIT_FAILED;
    case 'unreachable': {
      if (flags.spool === undefined || flags.spool === false) {
        err(`${what}: Jira cannot be reached: ${result.error} (use --spool to keep it for later)`);
        return EXIT_FAILED;
      }
      const dir = typeof flags.spool === 'string' ? flags.spool : spoolDirOf(config);
      const file = await spoolEvent(dir, event, Date.now());
      const line = `${what}: Jira cannot be reached (${result.error}); spooled to ${file}; \`flagsync run\` or \`flagsync send drain\` delivers it`;
      if (flags.json === true) err(line);
      else out(line);
      return EXIT_OK;
    }
  }
}

async function runSend(flags: SendFlags, prepare: (ctx: SendContext) => Promise<PreparedEvent>): Promise<number> {
  const config = await loadConfigOrExit(flags.config);
  const logger = loggerFor(flags, config);
  const prepared = await prepareOrExit(() => prepare(context(flags)));
  return sendPrepared(prepared, flags, config, logger);
}

async function runDrain(flags: GlobalOptions & { spool?: string }): Promise<number> {
  const config = await loadConfigOrExit(flags.config);
  const logger = loggerFor(flags, config);
  const dir = flags.spool ?? spoolDirOf(config);
  const report = await drainSpool(dir, createClient(config, logger), logger, config.jira.properties);
  if (flags.json === true) out(JSON.stringify({ dir, ...report }));
  else {
    out(`spool ${dir}: ${report.delivered} delivered, ${report.rejected.length} refused, ${report.remaining} still spooled`);
    for (const r of report.rejected) out(`  refused: ${r.file}: ${r.reason}`);
    if (report.stoppedBy !== undefined) out(`  stopped: ${report.stoppedBy}`);
  }
  return report.remaining === 0 && report.rejected.length === 0 ? EXIT_OK : EXIT_FAILED;
}

/** `flagsync send build|deployment|drain`: for CI pipelines (exit 0 accepted or spooled, 1 refused, 2 bad arguments). */
export function registerSendCommands(program: Command, setExit: (code: number) => void): void {
  const send = program.command('send').description('send one build or deployment to Jira from a CI pipeline, or drain the spool');

  withCommon(send.command('build'))
    .description('send one build (state, tests, references, issue keys from options, branch, commits and CI variables)')
    .option('--build-number <n>', 'build number')
    .option(
      '--branch-url <url>',
      "the branch's page in the forge's UI (default: derived for GitHub, GitLab, Bitbucket Cloud, Gitea, Forgejo)",
    )
    .option('--state <state>', `one of ${BUILD_STATES.join(', ')}`)
    .option('--junit <glob...>', 'JUnit XML report files; their test counts are sent')
    .option('--tests-total <n>', 'number of tests (instead of --junit)')
    .option('--tests-passed <n>', 'passed tests (default: total - failed - skipped)')
    .option('--tests-failed <n>', 'failed tests')
    .option('--tests-skipped <n>', 'skipped tests')
    .action(async (opts: BuildSendOptions & SendFlags) => setExit(await runSend(opts, (ctx) => prepareBuild(opts, ctx))));

  withCommon(send.command('deployment'))
    .description('send one deployment (pipeline, environment, state, sequence number, issue keys)')
    .option('--pipeline-name <text>', 'pipeline name shown in Jira (default: the id)')
    .option('--pipeline-url <url>', 'link to the pipeline (default: --url)')
    .option('--environment <id>', 'environment id, stable across runs (e.g. production)')
    .option('--environment-name <text>', 'environment name shown in Jira (default: the id)')
    .option('--environment-type <type>', `one of ${DEPLOYMENT_ENVIRONMENT_TYPES.join(', ')} (default: from the name)`)
    .option('--sequence <n>', 'deployment sequence number, increasing per pipeline and environment')
    .option('--state <state>', `one of ${DEPLOYMENT_STATES.join(', ')}`)
    .option('--duration <seconds>', 'how long the deployment took')
    .option('--service-keys <ids>', 'Jira service ids or keys, comma separated')
    .action(async (opts: DeploymentSendOptions & SendFlags) => setExit(await runSend(opts, (ctx) => prepareDeployment(opts, ctx))));

  withGlobalOptions(send.command('drain'))
    .description('deliver spooled events now (the daemon does this on every run); exit 1 while any remain')
    .option('--spool <dir>', 'spool folder (default: beside the state file)')
    .action(async (opts: GlobalOptions & { spool?: string }) => setExit(await runDrain(opts)));
}
