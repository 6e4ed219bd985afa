import { FLIPT_TOKEN, fliptNamespaces, startFliptApi } from '../../../test/contract/sources/flipt-api';
import { itKeepsAFlagThatTurnsMalformed } from '../../../test/helpers/malformed-flag';

/** A flag already in Jira whose Flipt data turns malformed: the next `run --once` keeps it and warns by name. */
describe('flipt end to end: a flag that becomes malformed', function () {
  this.timeout(60_000);
  const namespaces = JSON.parse(JSON.stringify(fliptNamespaces)) as Record<string, { flags: Record<string, unknown>[] }>;
  itKeepsAFlagThatTurnsMalformed({
    start: async () => {
      const api = await startFliptApi(namespaces);
      const provider = {
        name: 'flipt',
        adapter: 'flipt',
        url: api.url,
        token: '${env:FLIPT_TOKEN}',
        environments: [{ name: 'production', namespace: 'prod', type: 'production' }, { name: 'staging' }],
      };
      return { provider, env: { FLIPT_TOKEN }, close: () => api.close() };
    },
    flagId: 'flipt:new-checkout',
    breakFlag: () => {
      namespaces.staging!.flags.find((f) => f.key === 'new-checkout')!.enabled = 'on';
    },
    // The environment is named too: Flipt has one namespace per environment.
    warning: "flag flipt:new-checkout: skipped, the source's data could not be used: environment staging: enabled: expected boolean",
  });
});
