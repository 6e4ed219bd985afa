import { Command, CommanderError, Option } from 'commander';
import { redact } from '../log';
import { registerAdapterCommands } from './commands/adapter';
import { demoCommand } from './commands/demo';
import { planCommand } from './commands/plan';
import { runCommand } from './commands/run';
import { registerSendCommands } from './commands/send';
import { simulateCommand } from './commands/simulate';
import { validateCommand } from './commands/validate';
import { EXIT_FAILED, EXIT_USAGE, ExitError } from './exit';
import { packageVersion } from './package-root';

const levels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

function withGlobals(command: Command): Command {
  return command
    .option('-c, --config <path>', 'config file', './flagsync.yaml')
    .addOption(new Option('--log-level <level>', 'log level (logs go to stderr as JSON, pretty on a terminal)').choices(levels))
    .option('--json', 'print a machine-readable summary on stdout');
}

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('flagsync')
    .description('Push feature flags, builds, deployments and development information into Jira Software Cloud')
    .version(packageVersion())
    .exitOverride()
    .showHelpAfterError();

  withGlobals(program.command('run'))
    .description('sync every provider into Jira: once (--once) or as a daemon on the configured cron schedule')
    .option('--once', 'run one sync and exit (0 all accepted, 1 something failed)')
    .option('--allow-mass-delete', "allow deleting more than sync.massDeleteThreshold of a provider's flags")
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
