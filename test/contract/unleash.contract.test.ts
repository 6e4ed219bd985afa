import { adapter } from '../../adapters/unleash';
import { runAdapterContract } from '../../src/kit/testing';
import { startUnleashAdminApi, UNLEASH_ADMIN_TOKEN } from './sources/unleash-admin-api';

/**
 * Unleash in Admin API mode against a loopback stand-in serving the Admin API's documented JSON. The real-server
 * runs (unleash-server 7.5 on PostgreSQL) live in adapters/unleash/test; this one keeps the contract run fast and self-contained.
 */
describe('unleash adapter', () => {
  runAdapterContract(adapter, {
    async start() {
      const api = await startUnleashAdminApi();
      return {
        entry: {
          url: `${api.url}/api`,
          adminToken: UNLEASH_ADMIN_TOKEN,
          // Two features per search page, so the three features take two pages.
          pageSize: 2,
          environments: [
            { name: 'production', type: 'production' },
            { name: 'development', type: 'development' },
          ],
        },
        fail: () => api.fail(500),
        // Environments, segments and the first search page answer; the rest fail.
        failPartly: () => api.failAfter(3),
        hang: () => api.hang(),
        corruptOne: () => api.corruptOne(),
        change: () => api.change(),
        close: () => api.close(),
      };
    },
    flagKeys: ['PROJ-7-new-onboarding', 'checkout-redesign', 'old-banner'],
    issueKeys: { 'PROJ-7-new-onboarding': ['PROJ-7'], 'checkout-redesign': ['WEB-21'], 'old-banner': [] },
    environments: { production: 'production', development: 'development' },
    secrets: [UNLEASH_ADMIN_TOKEN],
  });
});
