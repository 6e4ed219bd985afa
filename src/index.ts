/**
 * flagsync's public API for adapter authors: the versioned adapter contract, the codecs the core checks adapter
 * output with, helpers for decoding a source's JSON, and the contract test kit. See docs/adapters.md.
 */
export { ADAPTER_CONTRACT_VERSION, SourceError } from './adapters/contract';
export type {
  AdapterContext,
  AdapterFactory,
  AdapterRegistry,
  EnvironmentConfig,
  FlagSnapshot,
  SkippedFlag,
  SourceAdapter,
} from './adapters/contract';
export type { EnvironmentType, FlagEnvironment, NormalizedFlag, Rollout } from './model/flag';
export { FlagEnvironmentCodec, NormalizedFlagCodec, RolloutCodec } from './model/codecs';
export { FlagSnapshotCodec, InvalidSnapshotError, snapshotProblems, validateSnapshot } from './adapters/snapshot-check';
export type { CheckedSnapshot, SnapshotExpectations } from './adapters/snapshot-check';
export { AdapterLoadError, assertAdapterFactory, factoryFromModule } from './adapters/factory-shape';
export { BUILT_IN_ADAPTERS, createAdapterRegistry } from './adapters/registry';
export type { RegistryOptions } from './adapters/registry';
export { previewSnapshot } from './adapters/preview';
export type { PreviewEntity, PreviewSettings, SnapshotPreview } from './adapters/preview';
export { DecodeError, decodeOrThrow, describeErrors } from './codec/decode';
export { checkedString, EnvironmentTypeCodec, HttpUrl, integerBetween, isHttpUrl, NonEmptyString } from './codec/options';
export { crossChecked } from './codec/cross-checked';
export { DEFAULT_LINKING, isIssueKey, linkIssueKeys } from './model/issue-keys';
export type { LinkingOptions } from './model/issue-keys';
export { silentLogger } from './log';
export type { Logger } from './log';
export { runAdapterContract, startFixtureServer } from './testing';
export type { AdapterContractFixtures, ContractSource, FixtureAnswer, FixtureHandler, FixtureRequest, FixtureServer } from './testing';
