import type { JiraBuild, JiraBuildReference } from '../jira/payloads';
import type { CiDefaults } from './ci-env';
import type { PreparedEvent } from './event';
import { linkFromSource } from '../kit/link-url';
import { branchWebUrl } from './branch-url';
import { findIssueKeys } from './issue-keys';
import { countJunitFiles, JunitError, type TestCounts } from './junit';
import { UsageError, UsageProblems } from './usage-error';
import { clip, httpUrl, isoTime, list, maxLength, oneOf, required, wholeNumber } from './values';
import { BUILD_STATES } from './states';

/** Options shared by `send build` and `send deployment`, as commander hands them over (strings). */
export interface CommonSendOptions {
  readonly pipelineId?: string;
  readonly displayName?: string;
  readonly url?: string;
  readonly state?: string;
  readonly description?: string;
  readonly label?: string;
  readonly branch?: string;
  readonly issueKeys?: string;
  readonly commits?: string;
  readonly repo?: string;
  readonly lastUpdated?: string;
}

export interface BuildSendOptions extends CommonSendOptions {
  readonly buildNumber?: string;
  readonly commit?: string;
  readonly repositoryUri?: string;
  /** The branch's page in the forge's UI, when flagsync cannot derive it (`ref.uri` of the build reference). */
  readonly branchUrl?: string;
  readonly junit?: readonly string[];
  readonly testsTotal?: string;
  readonly testsPassed?: string;
  readonly testsFailed?: string;
  readonly testsSkipped?: string;
}

export interface SendContext {
  readonly ci?: CiDefaults;
  /** Epoch ms; also the updateSequenceNumber (milliseconds, so two updates in one second still order). */
  readonly now: number;
  readonly cwd: string;
}

const ciHint = (ci: CiDefaults | undefined) => (ci === undefined ? '' : ` (not set by ${ci.ci} either)`);

/**
 * The build's test counts. A JUnit report that is missing or unreadable is a warning (`warnings`), and the build goes
 * without counts: a test step that crashed before writing its reports is the failed build Jira must still show.
 */
async function testInfo(options: BuildSendOptions, cwd: string, warnings: string[]): Promise<TestCounts | undefined> {
  const flags = [options.testsTotal, options.testsPassed, options.testsFailed, options.testsSkipped];
  const junit = options.junit ?? [];
  if (junit.length > 0 && flags.some((f) => f !== undefined)) throw new UsageError('--junit and --tests-* cannot be combined');
  if (junit.length > 0) {
    try {
      return await countJunitFiles(junit, cwd);
    } catch (error) {
      if (!(error instanceof JunitError)) throw error;
      warnings.push(`${error.message}: the build is sent without test counts`);
      return undefined;
    }
  }
  if (flags.every((f) => f === undefined)) return undefined;
  const problems = new UsageProblems();
  const total = problems.take(() =>
    wholeNumber(required(options.testsTotal, '--tests-total', ' with --tests-passed/--tests-failed/--tests-skipped'), '--tests-total'),
  );
  const failed = options.testsFailed === undefined ? 0 : problems.take(() => wholeNumber(options.testsFailed!, '--tests-failed'));
  const skipped = options.testsSkipped === undefined ? 0 : problems.take(() => wholeNumber(options.testsSkipped!, '--tests-skipped'));
  const givenPassed =
    options.testsPassed === undefined ? undefined : problems.take(() => wholeNumber(options.testsPassed!, '--tests-passed'));
  problems.done();
  const passed = givenPassed ?? total! - failed! - skipped!;
  if (passed < 0 || passed + failed! + skipped! > total!) throw new UsageError('--tests-*: passed + failed + skipped exceed --tests-total');
  return { totalNumber: total!, numberPassed: passed, numberFailed: failed!, numberSkipped: skipped! };
}

/**
 * `https://ci:TOKEN@git/x.git` → `https://git/x.git`: CI variables such as Jenkins' GIT_URL often carry credentials,
 * which must reach neither Jira nor --dry-run output. The whole user part goes (a bare token is often the user), and
 * an http(s) remote's query too (`?private_token=…`), as for every URL flagsync read from (linkFromSource).
 * scp-like remotes (`git@host:org/x.git`) carry no credentials and stay as they are.
 */
export function withoutCredentials(uri: string): string {
  const withoutUser = uri.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1');
  return /^https?:\/\//i.test(withoutUser) ? (linkFromSource(withoutUser) ?? withoutUser.replace(/[?#].*$/, '')) : withoutUser;
}

/** Jira's cap on a build reference's URIs. */
const MAX_URI = 2000;

/**
 * Build references Jira accepts: each needs the repository URI (any string: ssh and scp-like remotes such as
 * git@host:org/repo.git are fine), so without one there are none. The ref's URI is the branch's page (`branchUrl`),
 * else the repository's. A URI over Jira's 2000 characters is never sent: a branch URL falls back to the repository
 * URI, a repository URI drops the references, each with a warning.
 */
export function references(
  branch: string | undefined,
  commit: string | undefined,
  repositoryUri: string | undefined,
  branchUrl: string | undefined,
  warnings: string[],
): JiraBuildReference[] | undefined {
  if (repositoryUri === undefined || (branch === undefined && commit === undefined)) return undefined;
  if (repositoryUri.length > MAX_URI) {
    warnings.push(`repository URI longer than ${MAX_URI} characters: the build is sent without references`);
    return undefined;
  }
  let refUri = branchUrl ?? repositoryUri;
  if (refUri.length > MAX_URI) {
    warnings.push(`branch URL longer than ${MAX_URI} characters: the reference links the repository instead`);
    refUri = repositoryUri;
  }
  return [
    {
      ...(commit !== undefined && { commit: { id: maxLength(commit, '--commit'), repositoryUri } }),
      ...(branch !== undefined && { ref: { name: clip(branch), uri: refUri } }),
    },
  ];
}

export async function prepareBuild(options: BuildSendOptions, ctx: SendContext): Promise<PreparedEvent> {
  const ci = ctx.ci;
  const problems = new UsageProblems();
  const pipelineId = problems.take(() =>
    maxLength(required(options.pipelineId ?? ci?.pipelineId, '--pipeline-id', ciHint(ci)), '--pipeline-id'),
  );
  const buildNumber = problems.take(() =>
    wholeNumber(required(options.buildNumber ?? ci?.buildNumber, '--build-number', ciHint(ci)), '--build-number'),
  );
  const state = problems.take(() =>
    oneOf(required(options.state, '--state', ` (one of ${BUILD_STATES.join(', ')})`), '--state', BUILD_STATES),
  );
  const url = problems.take(() => httpUrl(required(options.url ?? ci?.url, '--url', ciHint(ci)), '--url'));
  const branch = options.branch ?? ci?.branch;
  const commit = options.commit ?? ci?.commit;
  if (commit !== undefined) problems.take(() => maxLength(commit, '--commit'));
  const givenUri = options.repositoryUri ?? ci?.repositoryUri;
  const repositoryUri = givenUri === undefined ? undefined : withoutCredentials(givenUri);
  const lastUpdated =
    options.lastUpdated === undefined
      ? new Date(ctx.now).toISOString()
      : problems.take(() => isoTime(options.lastUpdated!, '--last-updated'));
  // --branch-url, else the branch's page on a forge known by its host or by the CI running on it.
  const branchUrl =
    options.branchUrl !== undefined
      ? problems.take(() => httpUrl(options.branchUrl!, '--branch-url', Infinity))
      : branch !== undefined && repositoryUri !== undefined
        ? branchWebUrl(repositoryUri, branch, ci?.ci)
        : undefined;
  const testWarnings: string[] = [];
  const tests = await problems.takeAsync(() => testInfo(options, ctx.cwd, testWarnings));
  const keys = await problems.takeAsync(() =>
    findIssueKeys({ explicit: list(options.issueKeys), branch, title: ci?.title, commits: options.commits, cwd: options.repo ?? ctx.cwd }),
  );
  problems.done();
  const warnings = [
    ...testWarnings,
    ...keys!.warnings,
    ...(keys!.found > keys!.keys.length
      ? [`${keys!.found} issue keys found, only the first ${keys!.keys.length} sent (Jira's limit)`]
      : []),
  ];
  const refs = references(branch, commit, repositoryUri, branchUrl, warnings);
  const build: JiraBuild = {
    schemaVersion: '1.0',
    pipelineId: pipelineId!,
    buildNumber: buildNumber!,
    updateSequenceNumber: ctx.now,
    displayName: clip(options.displayName ?? ci?.displayName ?? `${pipelineId} #${buildNumber}`),
    ...(options.description !== undefined && { description: clip(options.description) }),
    ...((options.label ?? ci?.label) !== undefined && { label: clip((options.label ?? ci?.label)!) }),
    url: url!,
    state: state!,
    lastUpdated: lastUpdated!,
    ...(keys!.keys.length > 0 && { associations: [{ associationType: 'issueIdOrKeys', values: keys!.keys }] }),
    ...(tests !== undefined && { testInfo: tests }),
    ...(refs !== undefined && { references: refs }),
  };
  return { event: { kind: 'builds', entity: build }, issueKeys: keys!.keys, warnings };
}
