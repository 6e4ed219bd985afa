import type { AnyAdapterFactory } from '../kit/contract-v1';
import type { AdapterRegistry } from './types';
import { decodeAdapterOptions } from './adapter-options';
import { ProviderCodec } from './codecs';
import { shown, type ValuePolicy } from './reveal';
import { unknownKeys } from './unknown-keys';

/**
 * The provider checks that need more than the core codecs: the adapter must exist, its options codec must accept
 * the entry (problems keep the `providers[i]` prefix), and names must be unique.
 */
export interface AdapterOptions {
  readonly factory: AnyAdapterFactory;
  readonly options: unknown;
}

export interface ProviderCheck {
  readonly problems: readonly string[];
  /** Per provider index, the adapter and its decoded options, when both were found. */
  readonly adapters: ReadonlyMap<number, AdapterOptions>;
}

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);

function duplicateNames(entries: readonly unknown[], at: (i: number) => string, policy: ValuePolicy): string[] {
  const first = new Map<string, number>();
  const problems: string[] = [];
  entries.forEach((entry, i) => {
    const name = isRecord(entry) ? entry['name'] : undefined;
    if (typeof name !== 'string') return;
    const seen = first.get(name);
    if (seen === undefined) first.set(name, i);
    else problems.push(`${at(i)}.name: ${shown(policy, `${at(i)}.name`, name)} is already the name of ${at(seen)}`);
  });
  return problems;
}

function checkAdapter(entry: Record<string, unknown>, at: string, registry: AdapterRegistry, policy: ValuePolicy) {
  const adapter = entry['adapter'];
  if (typeof adapter !== 'string' || adapter === '') return { problems: [] }; // the core codec reports it
  let factory: AnyAdapterFactory | undefined;
  try {
    factory = registry.get(adapter);
  } catch (error) {
    // An external adapter that cannot be loaded is a config problem of this provider, listed with the others.
    return { problems: [`${at}.adapter: ${error instanceof Error ? error.message : String(error)}`] };
  }
  if (factory === undefined) {
    const known = [...registry.names()].sort().join(', ');
    return {
      problems: [`${at}.adapter: unknown adapter ${shown(policy, `${at}.adapter`, adapter)}; expected one of ${known}`],
    };
  }
  const decoded = decodeAdapterOptions(factory, entry, at, { showValue: policy });
  const problems = [...unknownKeys([ProviderCodec, factory.optionsCodec], entry, at), ...decoded.problems];
  return { problems, found: decoded.problems.length === 0 ? { factory, options: decoded.options } : undefined };
}

export function checkProviders(raw: unknown, registry: AdapterRegistry, policy: ValuePolicy): ProviderCheck {
  if (!Array.isArray(raw)) return { problems: [], adapters: new Map() };
  const problems: string[] = [];
  const adapters = new Map<number, AdapterOptions>();
  problems.push(...duplicateNames(raw, (i) => `providers[${i}]`, policy));
  raw.forEach((entry, i) => {
    if (!isRecord(entry)) return;
    const at = `providers[${i}]`;
    const result = checkAdapter(entry, at, registry, policy);
    problems.push(...result.problems);
    if (result.found !== undefined) adapters.set(i, result.found);
    const environments = entry['environments'];
    if (Array.isArray(environments)) problems.push(...duplicateNames(environments, (k) => `${at}.environments[${k}]`, policy));
  });
  return { problems, adapters };
}
