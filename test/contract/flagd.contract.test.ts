import { adapter as flagdAdapter } from '../../adapters/flagd';
import { runAdapterContract } from '../../src/kit/testing';
import { startFlagdFiles } from './sources/flagd-files';

describe('flagd adapter', () => {
  runAdapterContract(flagdAdapter, {
    async start() {
      const files = await startFlagdFiles();
      return {
        entry: {
          environments: [
            { name: 'production', type: 'production', source: `${files.url}/production.flagd.json` },
            // No type: the core's default by name applies.
            { name: 'staging', source: `${files.url}/staging.flagd.json` },
          ],
        },
        fail: () => files.fail(500),
        // Production's file answers, staging's does not.
        failPartly: () => files.failAfter(1),
        hang: () => files.hang(),
        corruptOne: () => files.corruptOne(),
        change: () => files.change(),
        close: () => files.close(),
      };
    },
    flagKeys: ['PROJ-1-alpha', 'dark-mode', 'legacy-banner'],
    issueKeys: { 'PROJ-1-alpha': ['PROJ-1'], 'dark-mode': ['DEMO-3'], 'legacy-banner': [] },
    environments: { production: 'production', staging: 'staging' },
  });
});
