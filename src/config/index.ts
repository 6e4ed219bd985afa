/** flagsync's configuration: YAML file → decoded, validated FlagsyncConfig (see config/example.yaml). */
export { ConfigError } from './types';
export type { AdapterRegistry, FlagsyncConfig, JiraConfig, LinkingConfig, ProviderConfig } from './types';
export { loadConfig, parseConfig } from './load';
export type { ParseContext } from './load';
export { configJsonSchema } from './json-schema';
export { INIT_PLACEHOLDER_SITE } from './codecs';

/** The CLI's `--config` default, relative to the current directory. */
export const DEFAULT_CONFIG_PATH = './flagsync.yaml';
