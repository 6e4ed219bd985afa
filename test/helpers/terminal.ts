import { spawn } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

const quote = (arg: string): string => `'${arg.replace(/'/g, `'\\''`)}'`;

/**
 * Runs `flagsync <args>` on a real pseudo-terminal (util-linux `script`), as an operator at a terminal would: stdout
 * and stderr are both the terminal, so the output is the two merged.
 */
export function runOnTerminal(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, '--require', 'tsx/cjs', path.join(root, 'src', 'cli', 'main.ts'), ...args].map(quote).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    cwd: root,
    env: { ...process.env, COLUMNS: '160', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output: output.replace(/\r\n/g, '\n') })));
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
): { answer(prompt: RegExp, line: string): Promise<void>; done: Promise<{ code: number | null; output: string }> } {
  const command = [process.execPath, '--require', 'tsx/cjs', path.join(root, 'src', 'cli', 'main.ts'), ...args].map(quote).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    cwd: root,
    env: { ...process.env, COLUMNS: '160', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const waiting = new Set<() => void>();
  const take = (d: Buffer): void => {
    output += d.toString();
    for (const check of [...waiting]) check();
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  const done = new Promise<{ code: number | null; output: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, output: output.replace(/\r\n/g, '\n') })),
  );
  let seen = 0;
  const answer = (prompt: RegExp, line: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${String(prompt)} in: ${output.slice(seen)}`)), 20_000);
      const check = (): void => {
        if (!prompt.test(output.slice(seen))) return;
        waiting.delete(check);
        clearTimeout(timer);
        seen = output.length;
        child.stdin.write(`${line}\r`);
        resolve();
      };
      waiting.add(check);
      check();
    });
  return { answer, done };
}
