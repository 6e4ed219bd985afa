import {
  ADAPTER_CONTRACT_VERSION,
  allOrAbort,
  SourceError,
  type AdapterContext,
  type FlagAdapterFactory,
  type FlagSource,
} from '../../src/kit';
import { mapFliptFlags, type NamespaceFlags } from './map';
import { FliptOptionsCodec, type FliptOptions, type FliptOwnOptions } from './options';
import { readNamespaceFlags } from './read';
import { fliptProduct } from './version';
import { watchFlipt } from './watch';

export { FliptOptionsCodec, type FliptOptions } from './options';
export { mapFliptFlags, normalizeFliptFlags } from './map';

const DEFAULT_PAGE_SIZE = 100;

/**
 * The Flipt adapter (Flipt v1 REST API): each configured environment reads one Flipt namespace. The worked
 * example of docs/adapters.md: options codec, paged reads decoded with io-ts, a pure mapping, and a snapshot that
 * is complete (malformed flags listed in `skipped`) or rejects.
 */
export function createFliptSource(options: FliptOptions, context: AdapterContext): FlagSource {
  const provider = context.providerName;
  const baseUrl = options.url.replace(/\/+$/, '');
  const uiUrl = (options.uiUrl ?? options.url).replace(/\/+$/, '');
  let product = 'Flipt';
  return {
    environments: options.environments.map((e) => e.name),
    watch: watchFlipt(options, context.logger),
    get product() {
      return product;
    },
    async snapshot(signal) {
      // One namespace failing stops the others: the snapshot fails as a whole anyway.
      const perNamespace = await allOrAbort(
        options.environments,
        async (env, inner): Promise<NamespaceFlags> => {
          const namespace = env.namespace ?? env.name;
          try {
            const { flags, skipped } = await readNamespaceFlags(
              {
                baseUrl,
                namespace,
                pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE,
                ...(options.token !== undefined && { token: options.token }),
              },
              context.http,
              inner,
            );
            return { environment: env.name, namespace, flags, skipped };
          } catch (error) {
            throw new SourceError(provider, `environment "${env.name}" (namespace "${namespace}"): ${(error as Error).message}`, error);
          }
        },
        signal,
      );
      const { flags, skipped } = mapFliptFlags(perNamespace, { provider, uiUrl });
      // Asked once the flags are read, so a failing read makes no other request.
      product = await fliptProduct(baseUrl, options.token, context.http, signal, context.logger);
      context.logger.debug({ provider, namespaces: perNamespace.length, skipped: skipped.length }, 'read Flipt flags');
      return skipped.length > 0 ? { flags, skipped } : { flags };
    },
  };
}

export const adapter: FlagAdapterFactory<FliptOwnOptions> = {
  name: 'flipt',
  version: '2.0.0',
  contractVersion: ADAPTER_CONTRACT_VERSION,
  produces: 'flags',
  optionsCodec: FliptOptionsCodec,
  create: createFliptSource,
};
