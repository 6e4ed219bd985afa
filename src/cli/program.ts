import { Command, Option } from 'commander';
import type { StatusOptions } from './commands/status';
import type { StateMigrateOptions } from './commands/state';
import type { SendFlags } from './commands/send';
import type { BuildSendOptions } from '../send/build-payload';
import type { DeploymentSendOptions } from '../send/deployment-payload';
import { BUILD_STATES, DEPLOYMENT_ENVIRONMENT_TYPES, DEPLOYMENT_STATES } from '../send/states';
import { DEFAULT_CONFIG_PATH, LOG_LEVELS, withGlobalOptions, type GlobalOptions } from './options';
import { EXIT_USAGE, ExitError } from './exit';
import { packageVersion } from './package-root';

// The `flagsync` commands and their options, declared at every start; what each does is in ./commands, loaded when it runs.

/**
 * `--config`/`--log-level` given before the command (`flagsync --config x.yaml run --once`), else FLAGSYNC_CONFIG /
 * FLAGSYNC_LOG_LEVEL, fill the command's own options when it was not given them.
 */
function applyProgramDefaults(program: Command, action: Command): void {
  const has = (name: string): boolean => action.options.some((o) => o.attributeName() === name);
  const before = program.opts<{ config?: string; logLevel?: string }>();
  if (has('config') && action.getOptionValue('config') === undefined) {
    const fromEnv = process.env['FLAGSYNC_CONFIG'];
    action.setOptionValue('config', before.config ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULT_CONFIG_PATH));
  }
  if (has('logLevel') && action.getOptionValue('logLevel') === undefined) {
    const fromEnv = process.env['FLAGSYNC_LOG_LEVEL'];
    if (before.logLevel !== undefined) action.setOptionValue('logLevel', before.logLevel);
    else if (fromEnv !== undefined && fromEnv !== '') {
      if (!(LOG_LEVELS as readonly string[]).includes(fromEnv))
        throw new ExitError(EXIT_USAGE, [`flagsync: FLAGSYNC_LOG_LEVEL: expected one of ${LOG_LEVELS.join(', ')}, got "${fromEnv}"`]);
      // --quiet on the command line says more than the environment: it keeps the log to warnings (loggerFor).
      if (action.getOptionValue('quiet') !== true) action.setOptionValue('logLevel', fromEnv);
    }
  }
}

/**
 * Each command's module loads when that command runs: a start pays for declaring the commands, not for what they
 * use (the Jira client, the daemon and its metrics, PostgreSQL, report rendering, the simulator, the demo).
 * `require`, not `import()`: a checkout run through tsx's CommonJS hook has no ESM resolution of extensionless paths.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const lazy = <T>(id: string): T => require(id) as T;
const command = {
  adapter: () => lazy<typeof import('./commands/adapter')>('./commands/adapter'),
  demo: () => lazy<typeof import('./commands/demo')>('./commands/demo'),
  init: () => lazy<typeof import('./commands/init')>('./commands/init'),
  plan: () => lazy<typeof import('./commands/plan')>('./commands/plan'),
  purge: () => lazy<typeof import('./commands/purge')>('./commands/purge'),
  run: () => lazy<typeof import('./commands/run')>('./commands/run'),
  send: () => lazy<typeof import('./commands/send')>('./commands/send'),
  simulate: () => lazy<typeof import('./commands/simulate')>('./commands/simulate'),
  state: () => lazy<typeof import('./commands/state')>('./commands/state'),
  status: () => lazy<typeof import('./commands/status')>('./commands/status'),
  validate: () => lazy<typeof import('./commands/validate')>('./commands/validate'),
};

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('flagsync')
    .description('Push feature flags, builds, deployments and development information into Jira Software Cloud')
    .version(packageVersion())
    .exitOverride()
    .showHelpAfterError()
    // Options before the command belong to the program, after it to the command; both are read (see applyProgramDefaults).
    .enablePositionalOptions();
  withGlobalOptions(program, ['config', 'logLevel']);
  program.hook('preAction', (_program, action) => applyProgramDefaults(program, action));

  withGlobalOptions(program.command('run'))
    .description('sync every provider into Jira: once (--once) or as a daemon on the configured cron schedule')
    .option('--once', 'run one sync and exit (0 all accepted, 1 something failed)')
    .option('--allow-mass-delete', 'confirm deletes the mass-delete guard holds back (see sync.massDeleteThreshold)')
    .option('--provider <name>', 'sync this provider only; deletes happen only within it')
    .option('--watch', 'daemon: also sync a provider alone shortly after its source changes (config watch: true)')
    .option(
      '--wait-lock <duration>',
      'with --once: wait this long (30s, 5m, 1h) for another run holding the writer lock, instead of exiting 1',
    )
    .option('--run-timeout <duration>', 'stop a run that takes longer (2m, 1h), as on SIGTERM: overrides sync.runTimeoutSeconds')
    .action(async (opts) => setExit(await command.run().runCommand(opts)));

  withGlobalOptions(program.command('plan'))
    .description('show what a run would create, update and delete; sends nothing')
    .option('--allow-mass-delete', 'plan as if mass deletes were allowed')
    .option('--provider <name>', 'plan this provider only; deletes only within it')
    .action(async (opts) => setExit(await command.plan().planCommand(opts)));

  withGlobalOptions(program.command('purge'))
    .description("delete from Jira everything flagsync sent for one provider (by Jira's delete-by-property); shows it, deletes with --yes")
    .requiredOption('--provider <name>', 'provider whose flags and devinfo to delete (need not be in the config any more)')
    .option('--yes', 'delete (without it, only show what would be deleted)')
    .action(async (opts) => setExit(await command.purge().purgeCommand(opts)));

  withGlobalOptions(program.command('validate'))
    .description('check the config file (offline); with --connect also read every source and obtain a Jira token and cloud id')
    .option('--connect', 'also read every source and obtain a Jira token and the cloud id, reporting each check')
    .action(async (opts) => setExit(await command.validate().validateCommand(opts)));

  program
    .command('simulate-jira')
    .description('run the local Jira DevOps API simulator (token, tenant_info, featureflags, builds, deployments, devinfo)')
    .option('--port <n>', 'port (0 = any free port)', '8080')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--client-id <id>', 'accepted OAuth client id')
    .option('--client-secret <secret>', 'accepted OAuth client secret')
    .option('--cloud-id <uuid>', 'cloud id')
    .option('--token-ttl <seconds>', 'access token lifetime (default 900)')
    .option('--projects <keys>', 'comma-separated project keys whose issues exist', 'PROJ,DEMO,WEB,OPS')
    .option('--services <ids>', 'comma-separated service ids deployments may link to (default: none)')
    .option(
      '--permissions <kinds>',
      'comma-separated data types the credential may send: featureflags, builds, deployments, devinfo (default: all)',
    )
    .action(async (opts) => setExit(await command.simulate().simulateCommand(opts)));

  program
    .command('init')
    .description('write a starter config (asks for the source kind on a terminal, or take --adapter)')
    .option('--adapter <kind>', 'source kind: flagd, unleash, launchdarkly, flipt or git')
    .option('--name <name>', 'provider name (default: the adapter)')
    .option('--site <host>', 'Jira site, e.g. acme.atlassian.net')
    .option('--cloud-id <uuid>', 'Jira cloud id (instead of --site)')
    .option('-o, --output <path>', 'file to write', './flagsync.yaml')
    .option('--force', 'replace an existing file')
    .action(async (opts) => setExit(await command.init().initCommand(opts)));

  withGlobalOptions(program.command('demo'), ['logLevel'])
    .description('sync the bundled demo flags into a built-in Jira simulator and show what Jira received (npm start)')
    .action(async (opts) => setExit(await command.demo().demoCommand(opts)));

  registerSendCommands(program, setExit);

  const adapter = program.command('adapter').description('write and check adapters for other flag systems');
  adapter
    .command('new')
    .argument('<name>', 'adapter name: lower-case words joined by "-"')
    .description('scaffold a working adapter folder (code, README, contract test)')
    .option('--dir <dir>', 'folder to create (default ./adapters/<name>)')
    .action(async (name: string, opts: { dir?: string }) => setExit(await command.adapter().adapterNewCommand(name, opts)));
  withGlobalOptions(adapter.command('check'))
    .description("run one provider's snapshot and show the flags and the Jira entities they become; sends nothing")
    .option('--provider <name>', 'provider to check (required when the config has several)')
    .action(async (opts: GlobalOptions & { provider?: string }) => setExit(await command.adapter().adapterCheckCommand(opts)));

  withGlobalOptions(program.command('status'), ['config', 'json'])
    .description(
      'what the state store knows: the last runs (start, end, outcome) and per provider the entities in Jira, pending retries and held-back deletes',
    )
    .option('--runs <n>', 'how many recent runs to list', '10')
    .action(async (opts: StatusOptions) => setExit(await command.status().statusCommand(opts)));

  program
    .command('state')
    .description('manage the state store')
    .command('migrate')
    .description('copy a state file (and its run log) into an empty PostgreSQL database for state.store: postgres')
    .requiredOption('--from <file>', 'the state file (state.path of the file store)')
    .option('--to <url>', 'PostgreSQL URL (default: $DATABASE_URL, which keeps the password out of `ps`)')
    .action(async (opts: StateMigrateOptions) => setExit(await command.state().stateMigrateCommand(opts)));

  return program;
}

function withCommon(command: Command): Command {
  return withGlobalOptions(command)
    .option('--pipeline-id <id>', 'pipeline (job, plan) id')
    .option('--display-name <text>', 'name shown in Jira')
    .option('--url <url>', 'link to this run in the CI server')
    .option('--description <text>', 'description')
    .option('--label <text>', 'label (e.g. a version)')
    .option('--branch <name>', 'branch; issue keys in its name are linked')
    .option('--issue-keys <keys>', 'issue keys, comma separated')
    .option('--commits <range>', "FROM..TO: issue keys in these commits' messages (read with git)")
    .option('--repo <dir>', 'git working copy for --commits (default: the current folder)')
    .option('--last-updated <time>', 'ISO-8601 time of the last change (default: now)')
    .option('--no-ci', 'ignore CI environment variables')
    .option('--dry-run', 'print the JSON that would be sent; send nothing')
    .option(
      '--spool [dir]',
      'when Jira cannot be reached or does not take it for now (credentials, permission), keep the event in this folder for the daemon (default: beside the state file)',
    );
}

/** `flagsync send build|deployment|drain`: for CI pipelines (exit 0 accepted or spooled, 1 refused, 2 bad arguments). */
function registerSendCommands(program: Command, setExit: (code: number) => void): void {
  const send = program.command('send').description('send one build or deployment to Jira from a CI pipeline, or drain the spool');

  withCommon(send.command('build'))
    .description('send one build (state, tests, references, issue keys from options, branch, commits and CI variables)')
    .option('--build-number <n>', 'build number')
    .option('--commit <sha>', 'commit the build is for')
    .option('--repository-uri <uri>', 'repository the commit and branch belong to')
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
    .action(async (opts: BuildSendOptions & SendFlags) => setExit(await command.send().sendBuildCommand(opts)));

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
    // Build options once listed here too and ignored: still taken, with a warning, so shared pipeline arguments
    // keep working for now.
    .addOption(new Option('--commit <sha>').hideHelp())
    .addOption(new Option('--repository-uri <uri>').hideHelp())
    .action(async (opts: DeploymentSendOptions & SendFlags) => setExit(await command.send().sendDeploymentCommand(opts)));

  withGlobalOptions(send.command('drain'))
    .description('deliver spooled events now (the daemon does this on every run); exit 1 while any remain')
    .option('--spool <dir>', 'spool folder (default: beside the state file)')
    .action(async (opts: GlobalOptions & { spool?: string }) => setExit(await command.send().sendDrainCommand(opts)));
}
