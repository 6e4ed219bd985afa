import { Command, CommanderError } from 'commander';
import { JiraAuthError } from '../jira';
import { redact } from '../log';
import { registerAdapterCommands } from './commands/adapter';
import { initCommand } from './commands/init';
import { planCommand } from './commands/plan';
import { purgeCommand } from './commands/purge';
import { runCommand } from './commands/run';
import { registerSendCommands } from './commands/send';
import { registerStateCommands } from './commands/state';
import { registerStatusCommand } from './commands/status';
import { validateCommand } from './commands/validate';
import { DEFAULT_CONFIG_PATH, LOG_LEVELS, withGlobalOptions } from './context';
import { EXIT_FAILED, EXIT_USAGE, ExitError } from './exit';
import { printErr } from './output';
import { packageVersion } from './package-root';

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
      action.setOptionValue('logLevel', fromEnv);
    }
  }
}

/**
 * The simulator and the demo load when they are asked for: a scheduled run should not pay for them at every start.
 * `require`, not `import()`: a checkout run through tsx's CommonJS hook has no ESM resolution of extensionless paths.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const lazy = <T>(id: string): T => require(id) as T;

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
    .action(async (opts) => setExit(await runCommand(opts)));

  withGlobalOptions(program.command('plan'))
    .description('show what a run would create, update and delete; sends nothing')
    .option('--allow-mass-delete', 'plan as if mass deletes were allowed')
    .option('--provider <name>', 'plan this provider only; deletes only within it')
    .action(async (opts) => setExit(await planCommand(opts)));

  withGlobalOptions(program.command('purge'))
    .description("delete from Jira everything flagsync sent for one provider (by Jira's delete-by-property); shows it, deletes with --yes")
    .requiredOption('--provider <name>', 'provider whose flags and devinfo to delete (need not be in the config any more)')
    .option('--yes', 'delete (without it, only show what would be deleted)')
    .action(async (opts) => setExit(await purgeCommand(opts)));

  withGlobalOptions(program.command('validate'))
    .description('check the config file (offline); with --connect also read every source and obtain a Jira token and cloud id')
    .option('--connect', 'also read every source and obtain a Jira token and the cloud id, reporting each check')
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
    .action(async (opts) => setExit(await lazy<typeof import('./commands/simulate')>('./commands/simulate').simulateCommand(opts)));

  program
    .command('init')
    .description('write a starter config (asks for the source kind on a terminal, or take --adapter)')
    .option('--adapter <kind>', 'source kind: flagd, unleash, launchdarkly, flipt or git')
    .option('--name <name>', 'provider name (default: the adapter)')
    .option('--site <host>', 'Jira site, e.g. acme.atlassian.net')
    .option('--cloud-id <uuid>', 'Jira cloud id (instead of --site)')
    .option('-o, --output <path>', 'file to write', './flagsync.yaml')
    .option('--force', 'replace an existing file')
    .action(async (opts) => setExit(await initCommand(opts)));

  withGlobalOptions(program.command('demo'), ['logLevel'])
    .description('sync the bundled demo flags into a built-in Jira simulator and show what Jira received (npm start)')
    .action(async (opts) => setExit(await lazy<typeof import('./commands/demo')>('./commands/demo').demoCommand(opts)));

  registerSendCommands(program, setExit);

  registerAdapterCommands(program, setExit);

  registerStatusCommand(program, setExit);
  registerStateCommands(program, setExit);

  return program;
}

/** With `--json`, a fatal error is a JSON object on stdout too, so a script reading stdout is never left with nothing. */
function fatalJson(kind: 'usage' | 'config' | 'auth' | 'error', exitCode: number, lines: readonly string[]): string {
  const [message = 'unknown error', ...rest] = lines.map((line) => redact(line));
  return `${JSON.stringify({ ok: false, exitCode, error: { kind, message, ...(rest.length > 0 ? { details: rest } : {}) } })}\n`;
}

export async function main(argv: readonly string[]): Promise<number> {
  let code = 0;
  const program = buildProgram((c) => {
    code = c;
  });
  const json = argv.slice(2).includes('--json');
  try {
    await program.parseAsync([...argv]);
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end with exit code 0 through this path too.
      if (error.exitCode === 0) return 0;
      if (json) process.stdout.write(fatalJson('usage', EXIT_USAGE, [error.message.replace(/^error: /, '')]));
      return EXIT_USAGE;
    }
    if (error instanceof ExitError) {
      for (const line of error.lines) process.stderr.write(`${redact(line)}\n`);
      if (json) {
        const kind = error.lines.some((l) => l.startsWith('config error: ')) ? 'config' : error.code === EXIT_USAGE ? 'usage' : 'error';
        process.stdout.write(fatalJson(kind, error.code, error.lines));
      }
      return error.code;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`flagsync: ${redact(message)}\n`);
    if (json) process.stdout.write(fatalJson(error instanceof JiraAuthError ? 'auth' : 'error', EXIT_FAILED, [message]));
    return EXIT_FAILED;
  }
}

/** Runs the CLI with this process's arguments and exits with its code. */
export function runFromProcess(): void {
  // An error escaping every handler (e.g. thrown inside an SDK's event listener) ends the process like Node would,
  // but its text goes through the same secret scrubbing as every other line.
  const fatal = (error: unknown): void => {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    printErr(`flagsync: fatal: ${text}`);
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
