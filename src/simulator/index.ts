/**
 * A local stand-in for api.atlassian.com plus one Jira site: OAuth 2LO tokens, tenant_info and the DevOps APIs
 * (feature flags, builds, deployments, devinfo), validating every request against Jira's schemas.
 * See README.md for the /__sim controls.
 */
import type { AddressInfo } from 'node:net';
import type { KindName } from '../jira/types';
import { decodeFault } from './faults';
import { createSimulatorServer } from './server';
import { createState, resolveOptions } from './state';
import type { Fault, Simulator, SimulatorOptions } from './types';

export type { Fault, RecordedRequest, SimTransition, Simulator, SimulatorOptions } from './types';

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const resolved = resolveOptions(options);
  const state = createState(resolved);
  const { server, cancelDelays } = createSimulatorServer(state);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const kind = (name: KindName) => {
    const handler = state.kinds.get(name);
    if (handler === undefined) throw new Error(`Unknown kind ${name}`);
    return handler;
  };

  return {
    url: `http://${host}:${address.port}`,
    cloudId: resolved.cloudId,
    clientId: resolved.clientId,
    clientSecret: resolved.clientSecret,
    get requests() {
      return state.requests;
    },
    stored: (name) => kind(name).stored(),
    transitions: () => [...state.transitions],
    storedFlag: (id) =>
      kind('featureflags')
        .stored()
        .find((flag) => (flag as { id?: unknown }).id === id),
    // Same checks as POST /__sim/faults, so a typo'd fault fails loudly instead of never matching.
    injectFault: (fault: Fault) => state.faults.add(decodeFault(fault)),
    clearFaults: () => state.faults.clear(),
    expireTokens: () => state.tokens.expireAll(),
    clearRequests: () => {
      state.requests.length = 0;
    },
    reset: () => state.reset(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        cancelDelays();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}
