import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { AdapterRegistry } from '../../src/config';
import type { AdapterFactory } from '../../src/kit/contract';
import { builtInRegistry } from '../../src/adapter-host/registry';
import { adapter as gitAdapter } from '../../adapters/git';

/**
 * Where a TestRepo's clock starts (seconds since the epoch, 2033): fixed, so hashes and timestamps are predictable,
 * and later than any run of the tests, so a commit made after a first sync is authored after it too, as real work is
 * (a commit authored before its repository's first sync is history: devinfo-send-mode.ts). A test that needs history
 * sets the clock back (`at`).
 */
export const TEST_REPO_CLOCK = 2_000_000_000;

/** A real git repository for tests, with a fixed author and clock so hashes and timestamps are predictable. */
export class TestRepo {
  private clock = TEST_REPO_CLOCK;

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

  /** Sets the clock the next commits are authored by (seconds since the epoch; each commit adds a minute). */
  at(seconds: number): this {
    this.clock = seconds;
    return this;
  }

  /** Writes `files` (name → content), commits them with `message`, returns the new commit's hash. */
  commit(message: string, files: Record<string, string> = { [`f${this.clock}.txt`]: String(this.clock) }): string {
    this.clock += 60;
    for (const [name, content] of Object.entries(files)) writeFileSync(path.join(this.dir, name), content);
    this.git('add', '--all');
    this.git('commit', '--quiet', '-m', message);
    return this.head();
  }

  /**
   * One commit per message on the current branch, written with `git fast-import` (hundreds in a fraction of a second,
   * where `commit` runs git twice each); the work tree is then reset to the new head. Returns the new head.
   */
  commitMany(messages: readonly string[]): string {
    const ref = this.git('symbolic-ref', 'HEAD').trim();
    const stream = messages.flatMap((message, i) => {
      this.clock += 60;
      const who = `Ada Dev <ada@example.com> ${this.clock} +0000`;
      const content = `${this.clock}\n`;
      return [
        `commit ${ref}`,
        `author ${who}`,
        `committer ${who}`,
        `data ${Buffer.byteLength(message)}`,
        message,
        ...(i === 0 ? [`from ${ref}^0`] : []),
        `M 100644 inline f${this.clock}.txt`,
        `data ${Buffer.byteLength(content)}`,
        content,
      ];
    });
    execFileSync('git', ['fast-import', '--quiet'], { cwd: this.dir, input: `${stream.join('\n')}\n` });
    this.git('reset', '--quiet', '--hard');
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
