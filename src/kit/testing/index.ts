/** The adapter contract test kit: run `runAdapterContract(factory, fixtures)` from a mocha test file. */
export { runAdapterContract } from './run-adapter-contract';
export type { AdapterContractFixtures, ContractSource } from './fixtures';
export { DEFAULT_LINKING, type LinkingOptions } from '../../model/issue-keys';
export { startFixtureServer } from './fixture-server';
export type { FixtureAnswer, FixtureHandler, FixtureRequest, FixtureServer } from './fixture-server';
export { linkedDevinfo } from './devinfo';
export type { LinkedBranch, LinkedCommit, LinkedRepository } from '../../model/devinfo-links';
export { devinfoSourceFromEntry, flagSourceFromEntry, providerProblems, sourceFromEntry } from './source-from-entry';
export type { TestSourceSettings } from './source-from-entry';
