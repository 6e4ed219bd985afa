import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A git range as `--commits` takes it: FROM..TO, both given (git reads `..TO` as `TO..TO`: no commit at all). */
const RANGE = /^([^\s.-][^\s]*)\.\.([^\s.-][^\s]*)$/;

export class GitRangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitRangeError';
  }
}

/** True when `range` has the FROM..TO shape (and cannot be mistaken for a git option). */
export function isGitRange(range: string): boolean {
  return RANGE.test(range);
}

/**
 * The full messages of the commits in `range`, read with `git log` in `cwd` (execFile: no shell, the range is one
 * argument and cannot start with '-'). Throws GitRangeError naming the range and git's own complaint.
 */
export async function commitMessagesInRange(range: string, cwd: string): Promise<string[]> {
  if (!isGitRange(range)) throw new GitRangeError(`--commits: expected FROM..TO, got "${range}"`);
  try {
    // %x1e (record separator) between commits: messages may hold any other character, blank lines included.
    const { stdout } = await run('git', ['log', '--format=%B%x1e', range, '--'], { cwd, maxBuffer: 64 * 1024 * 1024 });
    return stdout
      .split('\x1e')
      .map((m) => m.trim())
      .filter((m) => m !== '');
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    const reason = stderr !== undefined && stderr !== '' ? stderr.split('\n')[0]! : (error as Error).message;
    throw new GitRangeError(`--commits ${range}: git log failed in ${cwd}: ${reason}`);
  }
}
