import { createSource, type ProviderSource } from '../../adapter-host/instantiate';
import { decodeAdapterOptions } from '../../config/adapter-options';
import { isLeft } from 'fp-ts/Either';
import { ProviderCodec } from '../../config/codecs';
import { checkProviders } from '../../config/providers';
import { describeErrors } from '../decode';
import { valuePolicy } from '../../config/reveal';
import type { DevinfoSource, FlagSource } from '../contract';
import type { AnyAdapterFactory } from '../contract-v1';
import type { Logger } from '../logger';
import { silentLogger } from '../logger';
import type { SourceHttp } from '../source-http';

/**
 * A source made from a provider's config entry exactly as a run makes it: the entry decoded by the factory's codec
 * (for contract v2 with the shared fields merged in by the core), then `create` with a context. For an adapter's own
 * tests, so they exercise what users get rather than hand-built options.
 */
export interface TestSourceSettings {
  /** Default: the entry's `name`, else "test". */
  readonly providerName?: string;
  /** Default: the process's cwd. */
  readonly configDir?: string;
  /** Default: none (the context has no `dataDir`, as with hosts that predate it). */
  readonly dataDir?: string;
  readonly logger?: Logger;
  /** Default: the core's own (createSourceHttp()); pass one with a fake clock to test rate limits. */
  readonly http?: SourceHttp;
}

export function sourceFromEntry<Options>(
  factory: AnyAdapterFactory<Options>,
  entry: Readonly<Record<string, unknown>>,
  settings: TestSourceSettings = {},
): ProviderSource {
  const providerName = settings.providerName ?? (typeof entry['name'] === 'string' ? entry['name'] : 'test');
  const decoded = decodeAdapterOptions(factory, { name: providerName, adapter: factory.name, ...entry }, 'entry');
  if (decoded.problems.length > 0) throw new Error(`the ${factory.name} options codec rejects the entry: ${decoded.problems.join('; ')}`);
  return createSource(factory, decoded.options, {
    providerName,
    configDir: settings.configDir ?? process.cwd(),
    ...(settings.dataDir !== undefined && { dataDir: settings.dataDir }),
    logger: settings.logger ?? silentLogger,
    ...(settings.http !== undefined && { http: settings.http }),
  });
}

export function flagSourceFromEntry<Options>(
  factory: AnyAdapterFactory<Options>,
  entry: Readonly<Record<string, unknown>>,
  settings?: TestSourceSettings,
): FlagSource {
  const created = sourceFromEntry(factory, entry, settings);
  if (created.produces !== 'flags') throw new Error(`${factory.name} produces ${created.produces}, not flags`);
  return created.source;
}

export function devinfoSourceFromEntry<Options>(
  factory: AnyAdapterFactory<Options>,
  entry: Readonly<Record<string, unknown>>,
  settings?: TestSourceSettings,
): DevinfoSource {
  const created = sourceFromEntry(factory, entry, settings);
  if (created.produces !== 'devinfo') throw new Error(`${factory.name} produces ${created.produces}, not devinfo`);
  return created.source;
}

/**
 * The config problems a provider entry gives, as `flagsync validate` prints them (`providers[0].url: expected a
 * URL`): the core's shared checks (unique environment names, a flag source's environments) and the adapter's codec.
 * Values are shown only where they cannot be secrets, as in real config errors.
 */
export function providerProblems<Options>(factory: AnyAdapterFactory<Options>, entry: Readonly<Record<string, unknown>>): string[] {
  const registry = {
    get: (name: string) => (name === factory.name ? (factory as AnyAdapterFactory) : undefined),
    names: () => [factory.name],
  };
  const full = { name: 'test', adapter: factory.name, ...entry };
  const policy = valuePolicy(new Set(), []);
  const shared = ProviderCodec.decode(full);
  return [
    ...(isLeft(shared) ? describeErrors(shared.left, { prefix: 'providers[0]', showValue: policy }) : []),
    ...checkProviders([full], registry, policy).problems,
  ];
}
