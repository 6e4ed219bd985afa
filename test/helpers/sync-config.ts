import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { stringify } from 'yaml';
import type { Simulator } from '../../src/simulator';

/** A config file pointing at `sim`, with the given providers; returns its path. */
export async function writeSyncConfig(
  dir: string,
  sim: Simulator,
  providers: readonly Record<string, unknown>[],
  extra: Record<string, unknown> = {},
): Promise<string> {
  const file = path.join(dir, 'flagsync.yaml');
  const { jira: jiraExtra, ...rest } = extra;
  const config = {
    // Keys given under `jira` in `extra` add to the simulator's settings instead of replacing them.
    jira: {
      cloudId: sim.cloudId,
      clientId: sim.clientId,
      clientSecret: sim.clientSecret,
      tokenUrl: `${sim.url}/oauth/token`,
      apiBaseUrl: sim.url,
      concurrency: 1,
      maxAttempts: 2,
      requestTimeoutSeconds: 10,
      ...(typeof jiraExtra === 'object' && jiraExtra !== null ? jiraExtra : {}),
    },
    state: { path: path.join(dir, 'state.json') },
    providers,
    ...rest,
  };
  await writeFile(file, stringify(config));
  return file;
}

export function flagdProvider(name: string, dir: string): Record<string, unknown> {
  return {
    name,
    adapter: 'flagd',
    // A local file is no link for Jira users: real configs name where people see the flag.
    urlTemplate: 'https://git.example/flags/blob/main/{environment}.flagd.json#{key}',
    environments: [
      { name: 'production', type: 'production', source: path.join(dir, 'production.flagd.json') },
      { name: 'staging', type: 'staging', source: path.join(dir, 'staging.flagd.json') },
    ],
  };
}
