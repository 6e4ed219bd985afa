import { CommanderError } from 'commander';
import { JiraAuthError, JiraSettingsConflict } from '../jira/types';
import { redact } from '../log/redact';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, ExitError } from './exit';
import { printErr } from './output';
import { buildProgram } from './program';

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
    if (error instanceof JiraSettingsConflict) {
      // Settings that contradict each other are a config error, found late: exit 2 like any other.
      process.stderr.write(`config error: ${redact(message)}\n`);
      if (json) process.stdout.write(fatalJson('config', EXIT_USAGE, [message]));
      return EXIT_USAGE;
    }
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
  // Whoever read the output stopped (`flagsync plan | head`): nothing more to say to them, and no stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT_OK);
    fatal(error);
  });
  void main(process.argv).then((code) => {
    // Adapters' SDK clients may hold sockets open; the exit code is decided, so leave now (after stdout drains).
    process.stdout.write('', () => process.exit(code));
  });
}

if (require.main === module) runFromProcess();
