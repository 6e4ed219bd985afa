import { Command, CommanderError, Option } from 'commander';
import { redact } from '../log';
import { registerAdapterCommands } from './commands/adapter';
import { demoCommand } from './commands/demo';
import { planCommand } from './commands/plan';
import { runCommand } from './commands/run';
import { registerSendCommands } from './commands/send';
import { simulateCommand } from './commands/simulate';
import { registerStateCommands } from './commands/state';
import { registerStatusCommand } from './commands/status';
import { validateCommand } from './commands/validate';
import { CONFIG_HELP, DEFAULT_CONFIG_PATH } from './context';
import { EXIT_FAILED, EXIT_USAGE, ExitError } from './exit';
import { packageVersion } from './package-root';

const levels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

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
      if (!levels.includes(fromEnv))
        throw new ExitError(EXIT_USAGE, [`flagsync: FLAGSYNC_LOG_LEVEL: expected one of ${levels.join(', ')}, got "${fromEnv}"`]);
      action.setOptionValue('logLevel', fromEnv);
    }
  }
}

function withGlobals(command: Command): Command {
  return command
    .option('-c, --config <path>', CONFIG_HELP)
    .addOption(new Option('--log-level <level>', 'log level (logs go to stderr as JSON, pretty on a terminal)').choices(levels))
    .option('--json', 'print a machine-readable summary on stdout');
}

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('flagsync')
    .description('Push feature flags, builds, deployments and development information into Jira Software Cloud')
    .version(packageVersion())
    .exitOverride()
    .showHelpAfterError()
    // Options before the command belong to the program, after it to the command; both are read (see applyProgramDefaults).
    .enablePositionalOptions()
    .option('-c, --config <path>', CONFIG_HELP)
    .addOption(
      new Option('--log-level <level>', 'log level for the command (default: $FLAGSYNC_LOG_LEVEL, else log.level)').choices(levels),
    );
  program.hook('preAction', (_program, action) => applyProgramDefaults(program, action));

  withGlobals(program.command('run'))
    .description('sync every provider into Jira: once (--once) or as a daemon on the configured cron schedule')
    .option('--once', 'run one sync and exit (0 all accepted, 1 something failed)')
    .option('--allow-mass-delete', "allow deleting more than sync.massDeleteThreshold of a provider's flags")
    .option(
      '--wait-lock <duration>',
      'with --once: wait this long (30s, 5m, 1h) for another run holding the writer lock, instead of exiting 1',
    )
    .action(async (opts) => setExit(await runCommand(opts)));

  withGlobals(program.command('plan'))
    .description('show what a run would create, update and delete; sends nothing')
    .option('--allow-mass-delete', 'plan as if mass deletes were allowed')
    .action(async (opts) => setExit(await planCommand(opts)));

  withGlobals(program.command('validate'))
    .description('check the config file only')
    .action(async (opts) => setExit(await validateCommand(opts)));

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
    .option('--permissions <kinds>', 'comma-separated data types the credential may send')
    .action(async (opts) => setExit(await simulateCommand(opts)));

  program
    .command('demo')
    .description('sync the bundled demo flags into a built-in Jira simulator and show what Jira received (npm start)')
    .addOption(new Option('--log-level <level>', 'log level').choices(levels))
    .action(async (opts) => setExit(await demoCommand(opts)));

  registerSendCommands(program, setExit);

  registerAdapterCommands(program, setExit);

  registerStatusCommand(program, setExit);
  registerStateCommands(program, setExit);

  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  let code = 0;
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv]);
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end with exit code 0 through this path too.
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (error instanceof ExitError) {
      for (const line of error.lines) process.stderr.write(`${redact(line)}\n`);
      return error.code;
    }
    process.stderr.write(`flagsync: ${redact(error instanceof Error ? error.message : String(error))}\n`);
    return EXIT_FAILED;
  }
}

/** Runs the CLI with this process's arguments and exits with its code. */
export function runFromProcess(): void {
  // An error escaping every handler (e.g. thrown inside an SDK's event listener) ends the process like Node would,
  // but its text goes through the same secret scrubbing as every other line.
  const fatal = (error: unknown): void => {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`flagsync: fatal: ${redact(text)}\n`);
    process.exit(EXIT_FAILED);
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
  void main(process.argv).then((code) => {
    // Adapters' SDK clients may hold sockets open; the exit code is decided, so leave now (after stdout drains).
    process.stdout.write('', () => process.exit(code));
  });
}

if (require.main === module) runFromProcess();
