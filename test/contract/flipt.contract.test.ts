import { adapter } from '../../adapters/flipt';
import { runAdapterContract } from '../../src/kit/testing';
import { FLIPT_TOKEN, fliptNamespaces, startFliptApi } from './sources/flipt-api';

describe('flipt adapter', () => {
  runAdapterContract(adapter, {
    async start() {
      // A copy per test: corruptOne edits what this server serves.
      const namespaces = structuredClone(fliptNamespaces) as Record<string, { flags: Record<string, unknown>[] }>;
      const api = await startFliptApi(namespaces);
      return {
        entry: {
          url: api.url,
          token: FLIPT_TOKEN,
          // Two flags per page, so the three production flags take two pages.
          pageSize: 2,
          environments: [{ name: 'production', namespace: 'prod', type: 'production' }, { name: 'staging' }],
        },
        fail: () => api.fail(503),
        // The two namespaces' snapshot versions and the first page answer, the second page does not.
        failPartly: () => api.failAfter(3),
        hang: () => api.hang(),
        change: () => {
          const newCheckout = namespaces['prod']!.flags.find((f) => f['key'] === 'new-checkout')!;
          newCheckout['enabled'] = newCheckout['enabled'] !== true;
        },
        corruptOne: () => {
          // A wrong-typed field, as a Flipt version with another flag shape could send it.
          const darkMode = namespaces['prod']!.flags.find((f) => f['key'] === 'dark-mode')!;
          darkMode['enabled'] = 'yes';
          return { key: 'dark-mode' };
        },
        close: () => api.close(),
      };
    },
    flagKeys: ['dark-mode', 'new-checkout', 'search-ranking'],
    issueKeys: { 'new-checkout': ['PROJ-12'], 'search-ranking': ['WEB-7'], 'dark-mode': [] },
    environments: { production: 'production', staging: 'staging' },
    secrets: [FLIPT_TOKEN],
  });
});
