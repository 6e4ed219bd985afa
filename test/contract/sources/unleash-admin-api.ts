import type { FixtureServer } from '../../../src/kit/testing';
import {
  featureIn,
  recordEventIn,
  STAND_IN_ADMIN_TOKEN,
  standInData,
  startUnleashStandIn,
} from '../../../adapters/unleash/test/stand-in-api';

/**
 * The Unleash 7 Admin API on loopback for the contract run: the Unleash tests' stand-in (adapters/unleash/test/stand-in-api.ts)
 * with its fixtures, plus the contract kit's corruptOne hook.
 */
export const UNLEASH_ADMIN_TOKEN = STAND_IN_ADMIN_TOKEN;

export interface UnleashAdminApi extends FixtureServer {
  /**
   * Later reads of "checkout-redesign"'s feature document give its development environment a string `enabled` (the
   * adapter reads the document only for a feature enabled somewhere, so the disabled "old-banner" would not do).
   */
  corruptOne(): { key: string };
  /** "old-banner" switched on in production through Unleash: its environment changes and a new event is written. */
  change(): void;
}

export async function startUnleashAdminApi(): Promise<UnleashAdminApi> {
  // A fresh copy per server, so one test's corruption never leaks into the next.
  const data = standInData();
  const server = await startUnleashStandIn(data);
  return {
    ...server,
    change() {
      const production = featureIn(data, 'old-banner').feature.environments.find((e) => e['name'] === 'production')!;
      production['enabled'] = !production['enabled'];
      recordEventIn(data);
    },
    corruptOne() {
      const development = featureIn(data, 'checkout-redesign').feature.environments.find((e) => e['name'] === 'development')!;
      development['enabled'] = 'true';
      return { key: 'checkout-redesign' };
    },
  };
}
