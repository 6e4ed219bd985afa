import type { AdapterFactory, AdapterRegistry } from './contract';

/**
 * Built-in adapters by the name used in config. Loaded on first use so a run that only reads flagd files never
 * loads the LaunchDarkly or Unleash SDKs.
 */
const builtIn: Readonly<Record<string, () => AdapterFactory>> = {
  flagd: () => (require('../../adapters/flagd') as { flagdAdapter: AdapterFactory }).flagdAdapter,
  unleash: () => (require('../../adapters/unleash') as { unleashAdapter: AdapterFactory }).unleashAdapter,
  launchdarkly: () => (require('../../adapters/launchdarkly') as { launchDarklyAdapter: AdapterFactory }).launchDarklyAdapter,
};

export function builtInRegistry(): AdapterRegistry {
  const loaded = new Map<string, AdapterFactory>();
  return {
    names: () => Object.keys(builtIn),
    get(name) {
      const load = builtIn[name];
      if (load === undefined) return undefined;
      let factory = loaded.get(name);
      if (factory === undefined) loaded.set(name, (factory = load()));
      return factory;
    },
  };
}
