import * as t from 'io-ts';
import type { AdapterRegistry } from '../../src/config';
import { ADAPTER_CONTRACT_VERSION, type AdapterContext, type AdapterFactory, type FlagSource } from '../../src/kit/contract';
import { registryWithGit } from './git-repo';

/** A flag adapter made in a test: no options of its own, the source `create` gives. */
export function flagAdapter(name: string, create: (context: AdapterContext) => FlagSource): AdapterFactory {
  return {
    name,
    version: '1.0.0',
    contractVersion: ADAPTER_CONTRACT_VERSION,
    produces: 'flags',
    optionsCodec: t.type({}) as t.Type<unknown, unknown, unknown>,
    create: (_options, context) => create(context),
  };
}

/** The built-in adapters and git, with `factories` added by name. */
export function registryWith(factories: Readonly<Record<string, AdapterFactory>>): AdapterRegistry {
  const base = registryWithGit();
  return { names: () => [...base.names(), ...Object.keys(factories)], get: (name) => factories[name] ?? base.get(name) };
}
