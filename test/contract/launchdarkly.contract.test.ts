import { adapter as factory } from '../../adapters/launchdarkly';
import { runAdapterContract } from '../../src/kit/testing';
import { LD_SDK_KEYS, startLdRelay } from './sources/ld-relay';

/** The real LaunchDarkly SDK in polling mode against a loopback Relay Proxy stand-in. */
describe('launchdarkly adapter', () => {
  runAdapterContract(factory, {
    async start() {
      const relay = await startLdRelay();
      return {
        entry: {
          baseUri: relay.url,
          stream: false,
          // The SDK retries a 500 until initialization times out; keep that short.
          initTimeoutSeconds: 1,
          environments: [
            { name: 'production', sdkKey: LD_SDK_KEYS.production },
            { name: 'staging', sdkKey: LD_SDK_KEYS.staging },
          ],
        },
        fail: () => relay.fail(500),
        // The first environment's request answers, the second's does not.
        failPartly: () => relay.failAfter(1),
        hang: () => relay.hang(),
        corruptOne: () => relay.corruptOne(),
        close: () => relay.close(),
      };
    },
    flagKeys: ['PROJ-9-fast-search', 'pricing-v2'],
    issueKeys: { 'PROJ-9-fast-search': ['PROJ-9'], 'pricing-v2': [] },
    environments: { production: 'production', staging: 'staging' },
    secrets: [LD_SDK_KEYS.production, LD_SDK_KEYS.staging],
  });
});
