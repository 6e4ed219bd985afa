import { createHash } from 'node:crypto';
import { pollForChanges, type Logger, type SourceAdapter } from '../../src/kit';
import { hideCredentials, runGit } from './git';
import type { RepositoryOptions } from './options';

/**
 * Watch mode for git: each repository's branch refs, polled. A local repository (`path`) lists its refs with
 * `git for-each-ref` (no network); a mirrored remote asks the remote with `git ls-remote --heads` (one small request,
 * no fetch: the sync that follows fetches). A branch created, moved or deleted is a change; nothing else is.
 */
export function watchGitRefs(
  repositories: readonly RepositoryOptions[],
  gitDirOf: (repo: RepositoryOptions) => string,
  logger: Logger,
): NonNullable<SourceAdapter['watch']> {
  return async (onChange, signal, pollIntervalMs) => {
    await Promise.all(
      repositories.map((repo) => {
        const args =
          repo.remote !== undefined
            ? {
                what: `${hideCredentials(repo.remote)} (repository "${repo.name}")`,
                argv: ['ls-remote', '--heads', repo.remote],
                cwd: undefined,
              }
            : {
                what: `${gitDirOf(repo)} (repository "${repo.name}")`,
                argv: ['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads'],
                cwd: gitDirOf(repo),
              };
        return pollForChanges({
          intervalMs: pollIntervalMs,
          signal,
          onChange,
          logger,
          what: args.what,
          poll: async (s) => {
            const refs = await runGit(args.argv, { ...(args.cwd !== undefined && { cwd: args.cwd }), signal: s });
            return { version: createHash('sha256').update(refs).digest('base64url') };
          },
        });
      }),
    );
  };
}
