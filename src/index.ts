/**
 * flagsync's public API for adapter authors (the package root, `flagsync`): the adapter kit and the contract test
 * kit. Host internals (registry, loading, config, the Jira client) are not part of it. See docs/adapters.md.
 */
export * from './kit';
export * from './kit/testing';
