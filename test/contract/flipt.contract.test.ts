import { fliptAdapter } from '../../adapters/flipt';
import { runAdapterContract } from '../../src/testing';
import { FLIPT_TOKEN, startFliptApi } from './sources/flipt-api';

describe('flipt adapter', () => {
  runAdapterContract(fliptAdapter, {
    async start() {
      const api = await startFliptApi();
      return {
        entry: {
          url: api.url,
          token: FLIPT_TOKEN,
          // Two flags per page, so the three production flags take two pages.
          pageSize: 2,
          environments: [
            { name: 'production', namespace: 'prod', type: 'production' },
            { name: 'staging' },
          ],
        },
        fail: () => api.fail(503),
        // The first page answers, the second does not.
        failPartly: () => api.failAfter(1),
        hang: () => api.hang(),
        close: () => api.close(),
      };
    },
    flagKeys: ['dark-mode', 'new-checkout', 'search-ranking'],
    issueKeys: { 'new-checkout': ['PROJ-12'], 'search-ranking': ['WEB-7'], 'dark-mode': [] },
    environments: { production: 'production', staging: 'staging' },
    secrets: [FLIPT_TOKEN],
  });
});
