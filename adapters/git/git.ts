import { execFile } from 'node:child_process';

/** A git command failed; the message names the command and folder, with any credentials in URLs removed. */
export class GitError extends Error {
  constructor(message: string) {
    super(hideCredentials(message));
    this.name = 'GitError';
  }
}

/** `https://user:token@host/x` → `https://***@host/x`: remotes may carry credentials, error text must not. */
export function hideCredentials(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, '$1***@');
}

/** Runs git without a shell; resolves with stdout. Never prompts for credentials (a daemon has no terminal). */
export function runGit(args: readonly string[], options: { cwd?: string; signal?: AbortSignal } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      [...args],
      {
        cwd: options.cwd,
        signal: options.signal,
        maxBuffer: 256 * 1024 * 1024,
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
      },
      (error, stdout, stderr) => {
        if (error === null) return resolve(stdout);
        const detail = stderr.trim().split('\n').filter((l) => l.trim() !== '').pop() ?? error.message;
        const where = options.cwd === undefined ? '' : ` in ${options.cwd}`;
        reject(new GitError(`git ${args[0] ?? ''}${where} failed: ${detail}`));
      },
    );
  });
}
