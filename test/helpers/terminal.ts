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
