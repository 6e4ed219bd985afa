import { isRight } from 'fp-ts/Either';
import type { AnyAdapterFactory } from '../kit/contract-v1';
import { describeErrors, type DescribeOptions } from '../kit/decode';

/**
 * A provider entry through its adapter's options codec. A version 1 codec decodes the whole entry and its result is
 * the options. A version 2 codec declares only the adapter's own keys (of the entry, and of each environment); the
 * core has decoded the shared ones (name, adapter, environments' name and type) and merges them in, so `create`
 * gets one typed object. For a v2 flag source the core also requires an environment: a flag source without one
 * would read nothing, and an empty snapshot deletes everything.
 */
export interface AdapterOptionsResult {
  readonly problems: readonly string[];
  /** What `factory.create` receives; absent when there are problems. */
  readonly options?: unknown;
}

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);

function sharedEnvironment(raw: unknown): { name: unknown; type?: unknown } {
  const env = isRecord(raw) ? raw : {};
  return env['type'] !== undefined ? { name: env['name'], type: env['type'] } : { name: env['name'] };
}

export function decodeAdapterOptions<Options>(
  factory: AnyAdapterFactory<Options>,
  entry: Readonly<Record<string, unknown>>,
  at: string,
  describe: Omit<DescribeOptions, 'prefix'> = {},
): AdapterOptionsResult {
  // `environments` is optional for the core; adapters get the list they would otherwise have to default themselves.
  const environments: unknown[] = Array.isArray(entry['environments']) ? entry['environments'] : [];
  const decoded = factory.optionsCodec.decode({ ...entry, environments });
  if (!isRight(decoded)) return { problems: describeErrors(decoded.left, { ...describe, prefix: at }) };
  if (factory.contractVersion === 1) return { problems: [], options: decoded.right };
  if (factory.produces === 'flags' && environments.length === 0) return { problems: [`${at}: expected at least one environment`] };
  const own: Record<string, unknown> = isRecord(decoded.right) ? decoded.right : {};
  const ownEnvironments: unknown[] = Array.isArray(own['environments']) ? own['environments'] : [];
  return {
    problems: [],
    options: {
      ...own,
      name: entry['name'],
      adapter: entry['adapter'],
      environments: environments.map((env, i) => ({
        ...(isRecord(ownEnvironments[i]) ? ownEnvironments[i] : {}),
        ...sharedEnvironment(env),
      })),
    },
  };
}
