/** Everything one simulator instance holds; shared by the server, the /__sim controls and the Simulator object. */
import type { KindName } from '../jira/types';
import { TokenIssuer } from './auth';
import { FaultQueue } from './faults';
import { createBuildsKind } from './kinds/builds';
import { createDeploymentsKind } from './kinds/deployments';
import { createDevinfoKind } from './kinds/devinfo';
import { createFeatureFlagsKind } from './kinds/featureflags';
import type { KindHandler, RecordedRequest, ResolvedOptions, SimTransition, SimulatorOptions } from './types';

export const ALL_KINDS: readonly KindName[] = ['featureflags', 'builds', 'deployments', 'devinfo'];

export interface SimulatorState {
  readonly options: ResolvedOptions;
  readonly tokens: TokenIssuer;
  readonly faults: FaultQueue;
  readonly kinds: ReadonlyMap<KindName, KindHandler>;
  readonly requests: RecordedRequest[];
  readonly transitions: SimTransition[];
  /** Store, requests, faults, tokens and transitions. */
  reset(): void;
}

export function resolveOptions(options: SimulatorOptions = {}): ResolvedOptions {
  return {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    clientId: options.clientId ?? 'flagsync-demo',
    clientSecret: options.clientSecret ?? 'flagsync-demo-secret',
    cloudId: options.cloudId ?? '11111111-2222-3333-4444-555555555555',
    tokenTtlSeconds: options.tokenTtlSeconds ?? 900,
    projects: new Set((options.projects ?? ['PROJ', 'DEMO', 'WEB', 'OPS']).map((p) => p.toUpperCase())),
    services: new Set(options.services ?? []),
    permissions: new Set(options.permissions ?? ALL_KINDS),
    maxBodyBytes: options.maxBodyBytes ?? 1_048_576,
    // Read Date.now at call time, so fake timers installed after start still drive expiry.
    now: options.now ?? (() => Date.now()),
  };
}

export function createState(options: ResolvedOptions): SimulatorState {
  const tokens = new TokenIssuer(options.tokenTtlSeconds, options.now);
  const faults = new FaultQueue();
  const transitions: SimTransition[] = [];
  const kinds = new Map<KindName, KindHandler>([
    ['featureflags', createFeatureFlagsKind(options.projects)],
    ['builds', createBuildsKind(options.projects)],
    ['deployments', createDeploymentsKind(options.projects, options.services)],
    ['devinfo', createDevinfoKind(options.projects, transitions)],
  ]);
  const requests: RecordedRequest[] = [];
  return {
    transitions,
    options,
    tokens,
    faults,
    kinds,
    requests,
    reset() {
      for (const kind of kinds.values()) kind.reset();
      requests.length = 0;
      transitions.length = 0;
      faults.clear();
      tokens.expireAll();
    },
  };
}
