import type { AdapterRegistry } from '../config';
import type { AnyAdapterFactory } from '../kit/contract-v1';
import { loadExternalAdapter } from './external';
import { factoryFromModule } from './factory-shape';

/**
 * Built-in adapters by the name used in config; each module exports its factory as `adapter`, like any external
 * one. Loaded on first use so a run that only reads flagd files never loads the LaunchDarkly or Unleash SDKs.
 */
const builtIn: Readonly<Record<string, () => AnyAdapterFactory>> = {
  flagd: () => factoryFromModule(require('../../adapters/flagd'), 'flagd'),
  unleash: () => factoryFromModule(require('../../adapters/unleash'), 'unleash'),
  launchdarkly: () => factoryFromModule(require('../../adapters/launchdarkly'), 'launchdarkly'),
  flipt: () => factoryFromModule(require('../../adapters/flipt'), 'flipt'),
  // Development information (repositories, branches, commits), not flags: `produces: 'devinfo'`.
  git: () => factoryFromModule(require('../../adapters/git'), 'git'),
};

export const BUILT_IN_ADAPTERS: readonly string[] = Object.keys(builtIn);

export interface RegistryOptions {
  /**
   * Folders external adapters resolve from: the config file's folder first (local paths are relative to it),
   * then the process's cwd for npm packages. Without it, only built-ins are known.
   */
  readonly baseDirs?: readonly string[];
}

/**
 * Built-ins by name; with `baseDirs`, also external adapters by npm package name or local path. `get` throws
 * AdapterLoadError when an external adapter cannot be found or does not export an AdapterFactory of this contract.
 */
export function createAdapterRegistry(options: RegistryOptions = {}): AdapterRegistry {
  const loaded = new Map<string, AnyAdapterFactory | undefined>();
  return {
    names: () => BUILT_IN_ADAPTERS,
    get(name) {
      if (loaded.has(name)) return loaded.get(name);
      // Own keys only: "constructor" or "toString" are not adapters.
      const load = Object.hasOwn(builtIn, name) ? builtIn[name] : undefined;
      let factory: AnyAdapterFactory | undefined;
      if (load !== undefined) factory = load();
      else if (options.baseDirs !== undefined && options.baseDirs.length > 0)
        factory = loadExternalAdapter(name, { baseDirs: options.baseDirs });
      loaded.set(name, factory);
      return factory;
    },
  };
}

/** Built-in adapters only (kept for callers that have no config file). */
export function builtInRegistry(): AdapterRegistry {
  return createAdapterRegistry();
}
