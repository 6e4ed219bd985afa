import { ADAPTER_CONTRACT_VERSION, SourceError, type AdapterContext, type AdapterFactory, type SourceAdapter } from '../../src/adapters/contract';
import { normalizeFliptFlags, type NamespaceFlags } from './map';
import { FliptOptionsCodec, type FliptOptions } from './options';
import { readNamespaceFlags } from './read';

export { FliptOptionsCodec, type FliptOptions } from './options';
export { normalizeFliptFlags } from './map';

const DEFAULT_PAGE_SIZE = 100;

/**
 * The Flipt adapter (Flipt v1 REST API): each configured environment reads one Flipt namespace. The worked
 * example of docs/adapters.md: options codec, paged reads decoded with io-ts, a pure mapping, and a snapshot that
 * is complete or rejects.
 */
export function createFliptSource(options: FliptOptions, context: AdapterContext): SourceAdapter {
  const provider = context.providerName;
  const baseUrl = options.url.replace(/\/+$/, '');
  const uiUrl = (options.uiUrl ?? options.url).replace(/\/+$/, '');
  return {
    environments: options.environments.map((e) => e.name),
    async snapshot(signal) {
      // One namespace failing stops the others: the snapshot fails as a whole anyway.
      const inner = new AbortController();
      const stop = () => inner.abort(signal.reason);
      if (signal.aborted) stop();
      else signal.addEventListener('abort', stop, { once: true });
      try {
        const perNamespace = await Promise.all(
          options.environments.map(async (env): Promise<NamespaceFlags> => {
            const namespace = env.namespace ?? env.name;
            try {
              const flags = await readNamespaceFlags(
                { baseUrl, namespace, pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE, ...(options.token !== undefined && { token: options.token }) },
                inner.signal,
              );
              return { environment: env.name, namespace, flags };
            } catch (error) {
              inner.abort();
              throw new SourceError(provider, `environment "${env.name}" (namespace "${namespace}"): ${(error as Error).message}`, error);
            }
          }),
        );
        context.logger.debug({ provider, namespaces: perNamespace.length }, 'read Flipt flags');
        return { flags: normalizeFliptFlags(perNamespace, { provider, uiUrl }) };
      } finally {
        signal.removeEventListener('abort', stop);
      }
    },
  };
}

export const fliptAdapter: AdapterFactory<FliptOptions> = {
  name: 'flipt',
  version: '1.0.0',
  contractVersion: ADAPTER_CONTRACT_VERSION,
  optionsCodec: FliptOptionsCodec,
  create: createFliptSource,
};

export default fliptAdapter;
