import { itKeepsAFlagThatTurnsMalformed } from '../../../test/helpers/malformed-flag';
import { featureIn, recordEventIn, STAND_IN_ADMIN_TOKEN, standInData, startUnleashStandIn } from './stand-in-api';

/** A flag already in Jira whose Unleash data turns malformed: the next `run --once` keeps it and warns by name. */
describe('Unleash end to end: a flag that becomes malformed', function () {
  this.timeout(60_000);
  const data = standInData();
  itKeepsAFlagThatTurnsMalformed({
    start: async () => {
      const api = await startUnleashStandIn(data);
      const provider = {
        name: 'unleash',
        adapter: 'unleash',
        url: `${api.url}/api`,
        adminToken: '${env:UNLEASH_ADMIN_TOKEN}',
        environments: [
          { name: 'production', type: 'production' },
          { name: 'development', type: 'development' },
        ],
      };
      return { provider, env: { UNLEASH_ADMIN_TOKEN: STAND_IN_ADMIN_TOKEN }, close: () => api.close() };
    },
    flagId: 'unleash:PROJ-7-new-onboarding',
    breakFlag: () => {
      featureIn(data, 'PROJ-7-new-onboarding').feature.environments[1]!.enabled = 'yes';
      recordEventIn(data);
    },
    warning: "flag unleash:PROJ-7-new-onboarding: skipped, the source's data could not be used: environments[1].enabled: expected boolean",
  });
});
