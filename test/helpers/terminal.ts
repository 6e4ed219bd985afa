import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

const quote = (arg: string): string => `'${arg.replace(/'/g, `'\\''`)}'`;

type TerminalResult = { code: number | null; output: string };

/**
 * `flagsync <args>` on a real pseudo-terminal (util-linux `script`): stdout and stderr are both the terminal, so the
 * output is the two merged; `keyboard` gives the test the terminal's input, else it has none.
 */
function onTerminal(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  keyboard: boolean,
  onOutput: (output: string) => void = () => undefined,
): { child: ChildProcess; done: Promise<TerminalResult> } {
  const command = [process.execPath, '--require', 'tsx/cjs', path.join(root, 'src', 'cli', 'main.ts'), ...args].map(quote).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    cwd: root,
    env: { ...process.env, COLUMNS: '160', ...env },
    stdio: [keyboard ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const take = (d: Buffer): void => {
    output += d.toString();
    onOutput(output);
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  const done = new Promise<TerminalResult>((resolve) =>
    child.on('close', (code) => resolve({ code, output: output.replace(/\r\n/g, '\n') })),
  );
  return { child, done };
}

/** Runs `flagsync <args>` on a pseudo-terminal, as an operator at a terminal would (without typing anything). */
export function runOnTerminal(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<TerminalResult> {
  return onTerminal(args, env, false).done;
}

/** SGR colour sequences (ESC [ … m); cursor movements of a progress bar are not colours. */
export const COLOUR = /\x1b\[[0-9;]*m/;

/**
 * `flagsync <args>` on a pseudo-terminal whose keyboard the test types on: `answer(line)` waits until the output
 * holds `prompt`, then types `line` and Enter.
 */
export function typeOnTerminal(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): { answer(prompt: RegExp, line: string): Promise<void>; done: Promise<TerminalResult> } {
  const waiting = new Set<(output: string) => void>();
  let latest = '';
  const { child, done } = onTerminal(args, env, true, (output) => {
    latest = output;
    for (const check of [...waiting]) check(output);
  });
  let seen = 0;
  const answer = (prompt: RegExp, line: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${String(prompt)} in: ${latest.slice(seen)}`)), 20_000);
      const check = (output: string): void => {
        if (!prompt.test(output.slice(seen))) return;
        waiting.delete(check);
        clearTimeout(timer);
        seen = output.length;
        child.stdin!.write(`${line}\r`);
        resolve();
      };
      waiting.add(check);
      check(latest);
    });
  return { answer, done };
}
