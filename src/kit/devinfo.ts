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
  /**
   * Optional: where this read of the repository stands (git: its branch tips), opaque to the core. Once Jira has
   * answered everything sent of the repository from this read, the core keeps it and hands it back to the next read
   * (DevinfoReadContext), so the adapter can add what arrived since, however old it is (commits pushed late, with
   * author and committer dates older than the window of most recent commits). At most MAX_CURSOR_LENGTH characters.
   */
  readonly cursor?: string;
}

/** What the core hands a devinfo read besides the abort signal. */
export interface DevinfoReadContext {
  /** Repository id → the cursor of its last read that Jira answered in full (DevRepository.cursor). */
  readonly cursors: ReadonlyMap<string, string>;
}

/** A cursor this long holds the tips of some 40,000 branches; longer ones are refused with the snapshot. */
export const MAX_CURSOR_LENGTH = 2_000_000;

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
        t.partial({
          transitions: t.boolean,
          cursor: new t.Type<string, string, unknown>(
            `a string of at most ${MAX_CURSOR_LENGTH} characters`,
            (u): u is string => typeof u === 'string' && u.length <= MAX_CURSOR_LENGTH,
            (u, c) => (typeof u === 'string' && u.length <= MAX_CURSOR_LENGTH ? t.success(u) : t.failure(u, c)),
            t.identity,
          ),
        }),
      ]),
    ),
  }),
  /** As for flags (FlagSnapshot.sourceFingerprint): e.g. the branch tips and the adapter's settings, hashed. */
  t.partial({ sourceFingerprint: t.string }),
]);
