import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { AdapterRegistry } from '../../src/config';
import type { AdapterFactory } from '../../src/kit/contract';
import { builtInRegistry } from '../../src/adapter-host/registry';
import { adapter as gitAdapter } from '../../adapters/git';

/** A real git repository for tests, with a fixed author and clock so hashes and timestamps are predictable. */
export class TestRepo {
  private clock = 1_700_000_000;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.git('init', '--quiet', '--initial-branch=main');
  }

  git(...args: string[]): string {
    const date = `@${this.clock} +0000`;
    return execFileSync('git', args, {
      cwd: this.dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'Ada Dev',
        GIT_AUTHOR_EMAIL: 'ada@example.com',
        GIT_COMMITTER_NAME: 'Ada Dev',
        GIT_COMMITTER_EMAIL: 'ada@example.com',
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_DATE: date,
        GIT_CONFIG_NOSYSTEM: '1',
        HOME: this.dir,
      },
    });
  }

  /** Writes `files` (name → content), commits them with `message`, returns the new commit's hash. */
  commit(message: string, files: Record<string, string> = { [`f${this.clock}.txt`]: String(this.clock) }): string {
    this.clock += 60;
    for (const [name, content] of Object.entries(files)) writeFileSync(path.join(this.dir, name), content);
    this.git('add', '--all');
    this.git('commit', '--quiet', '-m', message);
    return this.head();
  }

  head(): string {
    return this.git('rev-parse', 'HEAD').trim();
  }

  checkout(branch: string, create = false): void {
    this.git('checkout', '--quiet', ...(create ? ['-b'] : []), branch);
  }

  merge(branch: string, message: string): string {
    this.clock += 60;
    this.git('merge', '--quiet', '--no-ff', '-m', message, branch);
    return this.head();
  }

  deleteBranch(branch: string): void {
    this.git('branch', '--quiet', '-D', branch);
  }
}

/** The built-in adapters plus git (until the built-in registry lists it). */
export function registryWithGit(): AdapterRegistry {
  const builtIn = builtInRegistry();
  return {
    names: () => [...new Set([...builtIn.names(), 'git'])],
    get: (name) => (name === 'git' ? (gitAdapter as AdapterFactory) : builtIn.get(name)),
  };
}
