/** Shared set-up for the simulator tests: a started simulator, an axios client that never throws on status, payloads. */
import axios, { type AxiosInstance } from 'axios';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator';
import type { KindName } from '../../src/jira/types';

export interface Harness {
  readonly sim: Simulator;
  readonly http: AxiosInstance;
  /** Fetches a token with the simulator's credentials (JSON body). */
  token(): Promise<string>;
  /** `/jira/{kind}/0.1/cloud/{cloudId}` */
  base(kind: KindName): string;
  /** Headers with a fresh bearer token. */
  auth(): Promise<{ Authorization: string }>;
}

export async function startHarness(options: SimulatorOptions = {}): Promise<Harness> {
  const sim = await startSimulator(options);
  const http = axios.create({ baseURL: sim.url, validateStatus: () => true, proxy: false });
  const token = async () => {
    const response = await http.post('/oauth/token', {
      audience: 'api.atlassian.com',
      grant_type: 'client_credentials',
      client_id: sim.clientId,
      client_secret: sim.clientSecret,
    });
    if (response.status !== 200) throw new Error(`token request answered ${response.status}`);
    return (response.data as { access_token: string }).access_token;
  };
  return {
    sim,
    http,
    token,
    base: (kind) => `/jira/${kind}/0.1/cloud/${sim.cloudId}`,
    auth: async () => ({ Authorization: `Bearer ${await token()}` }),
  };
}

/**
 * Mocha hooks for a suite: one simulator for the suite, closed after it; before each test a reset and fresh auth
 * headers, handed to `use`.
 */
export function useHarness(use: (harness: Harness, headers: { Authorization: string }) => void): void {
  let harness: Harness;
  before(async () => {
    harness = await startHarness();
  });
  after(() => harness.sim.close());
  beforeEach(async () => {
    harness.sim.reset();
    use(harness, await harness.auth());
  });
}

const T = '2024-05-01T10:00:00.000Z';

export function flag(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    key: `key-${id}`,
    updateSequenceId: 1,
    displayName: `Flag ${id}`,
    associations: [{ associationType: 'issueIdOrKeys', values: ['PROJ-1'] }],
    summary: {
      url: `https://flags.example.com/${encodeURIComponent(id)}`,
      status: { enabled: true, defaultValue: 'off', rollout: { percentage: 25 } },
      lastUpdated: T,
    },
    details: [
      {
        url: `https://flags.example.com/${encodeURIComponent(id)}/production`,
        lastUpdated: T,
        environment: { name: 'production', type: 'production' },
        status: { enabled: true, rollout: { percentage: 25 } },
      },
    ],
    ...overrides,
  };
}

export function build(pipelineId: string, buildNumber: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    pipelineId,
    buildNumber,
    updateSequenceNumber: 1,
    displayName: `${pipelineId} #${buildNumber}`,
    url: `https://ci.example.com/${buildNumber}`,
    state: 'successful',
    lastUpdated: T,
    associations: [{ associationType: 'issueIdOrKeys', values: ['PROJ-2'] }],
    ...overrides,
  };
}

export function deployment(sequence: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    deploymentSequenceNumber: sequence,
    updateSequenceNumber: 1,
    displayName: `Deploy ${sequence}`,
    url: `https://cd.example.com/${sequence}`,
    description: 'rollout',
    lastUpdated: T,
    state: 'successful',
    pipeline: { id: 'pipe', displayName: 'Pipe', url: 'https://cd.example.com/pipe' },
    environment: { id: 'prod-eu', displayName: 'Prod EU', type: 'production' },
    associations: [{ associationType: 'issueIdOrKeys', values: ['OPS-3'] }],
    ...overrides,
  };
}

export function commit(id: string, issueKeys: string[] = ['WEB-4'], overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    issueKeys,
    updateSequenceId: 1,
    hash: id,
    message: `${issueKeys.join(' ')} change`,
    author: { email: 'dev@example.com' },
    fileCount: 1,
    url: `https://git.example.com/c/${id}`,
    authorTimestamp: T,
    displayId: id.slice(0, 7),
    ...overrides,
  };
}

export function repository(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, name: `repo ${id}`, url: `https://git.example.com/${id}`, updateSequenceId: 1, commits: [commit('abc1234')], ...overrides };
}
