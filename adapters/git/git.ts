import { execFile } from 'node:child_process';
import { realpath } from 'node:fs/promises';
import * as path from 'node:path';
import { productName } from '../../src/kit';

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

/** Inherited from a CI job or a git hook, these would point git at another repository than the folder it runs in. */
const REPOSITORY_OVERRIDES = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_COMMON_DIR', 'GIT_NAMESPACE'];

/**
 * The environment git runs with. With a folder, the parent is a ceiling: git must read that folder's repository or
 * fail, never walk up into an enclosing one (an empty mount would otherwise stand for the parent repository).
 */
export function gitEnvironment(cwd: string | undefined, inherited: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...inherited, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
  for (const name of REPOSITORY_OVERRIDES) delete env[name];
  if (cwd === undefined) delete env.GIT_CEILING_DIRECTORIES;
  else env.GIT_CEILING_DIRECTORIES = path.dirname(path.resolve(cwd));
  return env;
}

/**
 * Runs git without a shell; resolves with stdout. Never prompts for credentials (a daemon has no terminal). `input`
 * is written to git's standard input (`--stdin` arguments).
 */
export function runGit(args: readonly string[], options: { cwd?: string; signal?: AbortSignal; input?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      [...args],
      { cwd: options.cwd, signal: options.signal, maxBuffer: 256 * 1024 * 1024, env: gitEnvironment(options.cwd) },
      (error, stdout, stderr) => {
        if (error === null) return resolve(stdout);
        const detail =
          stderr
            .trim()
            .split('\n')
            .filter((l) => l.trim() !== '')
            .pop() ?? error.message;
        const where = options.cwd === undefined ? '' : ` in ${options.cwd}`;
        reject(new GitError(`git ${args[0] ?? ''}${where} failed: ${detail}`));
      },
    );
    // git may exit before reading it all (a bad argument): that shows as its own error, not as this pipe's.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input ?? '');
  });
}

async function realOrSame(file: string): Promise<string> {
  try {
    return await realpath(file);
  } catch {
    return path.resolve(file);
  }
}

/**
 * Fails with "<dir> is not a git repository" unless `dir` is a repository itself: a bare one, a working copy
 * (dir/.git), or a linked worktree whose top level is `dir`. Reading anything else would put another repository's
 * branches in Jira and delete this one's.
 */
export async function assertRepository(dir: string, signal?: AbortSignal): Promise<void> {
  const notRepository = (why: string) => new GitError(`${dir} is not a git repository (${why})`);
  let gitDir: string;
  try {
    gitDir = (await runGit(['rev-parse', '--absolute-git-dir'], { cwd: dir, signal })).trim();
  } catch (error) {
    if (signal?.aborted === true) throw error;
    throw notRepository(error instanceof Error ? error.message : String(error));
  }
  const real = await realOrSame(dir);
  const found = await realOrSame(gitDir);
  if (found === real || found === path.join(real, '.git')) return;
  // A linked worktree or submodule has a .git file pointing elsewhere; its top level is still the folder itself.
  const topLevel = await runGit(['rev-parse', '--show-toplevel'], { cwd: dir, signal }).then(
    (out) => out.trim(),
    () => '',
  );
  if (topLevel !== '' && (await realOrSame(topLevel)) === real) return;
  throw notRepository(`git found the repository ${gitDir} instead`);
}

/** "Git <version>" of the git CLI that reads the repositories (`git --version`), else "Git". Never rejects. */
/** git's version ("2.43.0"), or undefined when git cannot say. */
export async function gitVersion(signal?: AbortSignal): Promise<string | undefined> {
  try {
    const out = await runGit(['--version'], { signal });
    // "git version 2.43.0", "git version 2.39.3 (Apple Git-145)"
    return /^git version (\S+)/.exec(out.trim())?.[1];
  } catch {
    return undefined;
  }
}

/** "Git 2.43.0": the product Jira shows for what this git read. */
export const gitProductOf = (version: string | undefined): string => productName('Git', version);

/**
 * Whether `git log` can diff a merge commit against its first parent (`--diff-merges`, git 2.31). Without it a merge
 * shows no stat, and its files-changed count would read 0.
 */
export function diffsMerges(version: string | undefined): boolean {
  const [major, minor] = (version ?? '').split('.').map((part) => Number.parseInt(part, 10));
  if (major === undefined || minor === undefined || Number.isNaN(major) || Number.isNaN(minor)) return false;
  return major > 2 || (major === 2 && minor >= 31);
}
