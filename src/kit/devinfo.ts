import * as t from 'io-ts';

/**
 * Provider-neutral development information: what a devinfo source (adapters/git) reads from a repository. The core
 * alone links it to issues (keys in branch names and commit messages) and turns it into Jira's devinfo payloads.
 */
export interface DevCommit {
  /** Full hash; Jira's commit id (only [A-Za-z0-9~.-_] allowed, which a hex hash satisfies). */
  readonly sha: string;
  readonly message: string;
  readonly authorName: string;
  readonly authorEmail: string;
  /** Author time, ISO-8601 UTC. */
  readonly timestamp: string;
  readonly filesChanged: number;
  readonly url: string;
  readonly merge: boolean;
  /**
   * Keys the source knows from a dedicated field, if any. The core adds the keys in the message itself; an adapter
   * does not scan text for keys.
   */
  readonly issueKeys?: readonly string[];
}

export interface DevBranch {
  readonly name: string;
  readonly url: string;
  readonly lastCommit: DevCommit;
  /** Keys the source knows from a dedicated field, if any; the core adds the keys in the branch name. */
  readonly issueKeys?: readonly string[];
}

export interface DevRepository {
  /** Jira repository id: [A-Za-z0-9~.-_], unique across providers. */
  readonly id: string;
  readonly name: string;
  readonly url: string;
  /**
   * Every branch, and the most recent commits. The core keeps those linked to an issue (a key in the branch name,
   * the tip's message or the commit's message); the others are of no use to Jira.
   */
  readonly branches: readonly DevBranch[];
  readonly commits: readonly DevCommit[];
  /** false: Jira never runs smart commits or transitions for this repository (default true, after the first sync). */
  readonly transitions?: boolean;
}

export interface DevinfoSnapshotData {
  readonly repositories: readonly DevRepository[];
  /** As FlagSnapshot.sourceFingerprint: lets the next run skip reading an unchanged source. */
  readonly sourceFingerprint?: string;
}

export const REPOSITORY_ID_PATTERN = /^[A-Za-z0-9~.\-_]{1,1024}$/;

const RepositoryId = new t.Type<string, string, unknown>(
  'a repository id of [A-Za-z0-9~.-_]',
  (u): u is string => typeof u === 'string' && REPOSITORY_ID_PATTERN.test(u),
  (u, c) => (typeof u === 'string' && REPOSITORY_ID_PATTERN.test(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);

export const DevCommitCodec = t.type({
  sha: t.string,
  message: t.string,
  authorName: t.string,
  authorEmail: t.string,
  timestamp: t.string,
  filesChanged: t.number,
  url: t.string,
  merge: t.boolean,
  issueKeys: t.union([t.readonlyArray(t.string), t.undefined]),
});

export const DevBranchCodec = t.type({
  name: t.string,
  url: t.string,
  lastCommit: DevCommitCodec,
  issueKeys: t.union([t.readonlyArray(t.string), t.undefined]),
});

/** The core validates every devinfo snapshot with this, as it does flag snapshots. */
export const DevinfoSnapshotCodec = t.intersection([
  t.type({
    repositories: t.readonlyArray(
      t.intersection([
        t.type({
          id: RepositoryId,
          name: t.string,
          url: t.string,
          branches: t.readonlyArray(DevBranchCodec),
          commits: t.readonlyArray(DevCommitCodec),
        }),
        t.partial({ transitions: t.boolean }),
      ]),
    ),
  }),
  /** As for flags (FlagSnapshot.sourceFingerprint): e.g. the branch tips and the adapter's settings, hashed. */
  t.partial({ sourceFingerprint: t.string }),
]);
