/**
 * The adapter kit: everything an adapter may build on, and nothing of the host that runs it. Built-in adapters
 * import this entry and no other flagsync module (test/structure/import-rules.test.ts checks it); the package's
 * public entry re-exports it. The contract test kit is in `./testing`; the public entry (src/index.ts) re-exports that
 * too, so `flagsync` is the package's only entry for adapters (package.json "exports" has no `./testing`).
 */
export { ADAPTER_CONTRACT_VERSION, SourceError, SUPPORTED_CONTRACT_VERSIONS } from './contract';
export type {
  AdapterContext,
  AdapterFactory,
  DevinfoAdapterFactory,
  DevinfoSnapshot,
  DevinfoSource,
  EnvironmentConfig,
  FlagAdapterFactory,
  FlagSnapshot,
  FlagSource,
  ProviderEnvironment,
  ProviderOptions,
  ProviderSource,
  SkippedFlag,
  UnchangedSource,
} from './contract';
export type { AdapterFactoryV1, AnyAdapterFactory, SourceAdapter } from './contract-v1';
export { createSourceHttp, rateLimitWaitMs, realClock, safeUrl, SourceHttpError } from './source-http';
export type { Clock, HttpFailure, HttpGetOptions, SourceHttp, SourceHttpSettings, TextResponse } from './source-http';
export type { LogMethod, Logger } from './logger';
export { silentLogger } from './logger';
export type { EnvironmentType, FlagEnvironment, NormalizedFlag, Rollout } from './flag';
export { FlagEnvironmentCodec, NormalizedFlagCodec, RolloutCodec } from './flag-codecs';
export type { DevBranch, DevCommit, DevinfoReadContext, DevinfoSnapshotData, DevRepository } from './devinfo';
export { DevBranchCodec, DevCommitCodec, DevinfoSnapshotCodec, MAX_CURSOR_LENGTH, REPOSITORY_ID_PATTERN } from './devinfo';
export { FlagSnapshotCodec, InvalidSnapshotError, snapshotProblems, validateSnapshot } from './snapshot-check';
export type { SnapshotExpectations } from './snapshot-check';
export { DecodeError, decodeOrThrow, describeErrors } from './decode';
export type { DescribeOptions } from './decode';
export { decodeItem, itemKeyOf, SKIP_REASON_PROBLEMS, skipReason } from './decode-each';
export type { ItemDecodeOptions, ItemDecoded } from './decode-each';
export { allOrAbort } from './all-or-abort';
export { checkedString, EnvironmentTypeCodec, HttpUrl, integerBetween, isHttpUrl, NonEmptyString } from './option-codecs';
// Cutting a rollout text or a name to Jira's limits between whole characters (no half emoji).
export { cutText } from './text';
export { crossChecked, type CrossCheck, type CrossProblem } from './cross-checked';
export { linkForPeople, linkFromSource } from './link-url';
export { productName } from './product';
export {
  conditionalGetVersion,
  pollForChanges,
  type ConditionalGetOptions,
  type PolledVersion,
  type PollForChangesOptions,
} from './watch-poll';
export { TimeoutError, withTimeout } from './deadline';
