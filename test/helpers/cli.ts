import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Starts `flagsync <args>` as a real process (the installed CLI's code path, through tsx). */
export function startCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; done: Promise<CliResult> } {
  // node itself (not the tsx wrapper) so signals reach the flagsync process directly.
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(root, 'src', 'cli', 'main.ts'), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return startCli(args, env).done;
}

export interface RunOnceResult<S> {
  readonly code: number | null;
  readonly summary: S;
  readonly stderr: string;
}

/** `flagsync run --once --config FILE --json` as a real process; rejects when stdout holds no JSON summary. */
export async function runOnceJson<S>(configFile: string, env: NodeJS.ProcessEnv = {}): Promise<RunOnceResult<S>> {
  const { code, stdout, stderr } = await runCli(['run', '--once', '--config', configFile, '--json'], env);
  try {
    return { code, summary: JSON.parse(stdout) as S, stderr };
  } catch {
    throw new Error(`no JSON summary (exit ${code}): ${stdout}\n${stderr}`);
  }
}

/** Polls `check` until it holds (real servers answer in their own time); fails after `ms`. */
export async function waitFor(check: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** `flagsync send build` of build `number` of pipeline "web", linked to PROJ-1; add options after it (order is free). */
export function sendBuildArgs(config: string, number = '7'): string[] {
  return [
    'send',
    'build',
    '--config',
    config,
    '--pipeline-id',
    'web',
    '--build-number',
    number,
    '--state',
    'successful',
    '--url',
    `http://ci.example/web/${number}`,
    '--issue-keys',
    'PROJ-1',
  ];
}
