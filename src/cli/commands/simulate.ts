import { startSimulator } from '../../simulator';
import { ALL_KINDS } from '../../simulator/state';
import type { KindName } from '../../jira/types';
import { CloudId } from '../../config/scalars';
import { createLogger } from '../../log';
import { EXIT_OK, EXIT_USAGE, ExitError } from '../exit';

export interface SimulateOptions {
  readonly port: string;
  readonly host: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly cloudId?: string;
  readonly tokenTtl?: string;
  readonly projects?: string;
  readonly services?: string;
  readonly permissions?: string;
}

/** A whole number within [min, max] from a command-line option, else a usage error naming it. */
function wholeOption(value: string | undefined, option: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
    throw new ExitError(EXIT_USAGE, [`flagsync simulate-jira: ${option}: expected a whole number from ${min} to ${max}, got "${value}"`]);
  }
  return n;
}

/** --permissions: data types only, each named right (a typo would make every request of that type a 403). */
function permissionsOption(value: string | undefined): KindName[] | undefined {
  if (value === undefined) return undefined;
  const kinds = value
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const unknown = kinds.filter((k) => !(ALL_KINDS as readonly string[]).includes(k));
  if (unknown.length > 0)
    throw new ExitError(EXIT_USAGE, [
      `flagsync simulate-jira: --permissions: expected data types among ${ALL_KINDS.join(', ')}, got "${unknown.join('", "')}"`,
    ]);
  return kinds as KindName[];
}

/** `flagsync simulate-jira`: the spec-validating Jira stand-in, in the foreground until SIGINT/SIGTERM. */
export async function simulateCommand(options: SimulateOptions): Promise<number> {
  const port = wholeOption(options.port, '--port', 0, 65535);
  // flagsync's config takes only a UUID: another cloud id could never be configured against this simulator.
  if (options.cloudId !== undefined && !CloudId.is(options.cloudId))
    throw new ExitError(EXIT_USAGE, [`flagsync simulate-jira: --cloud-id: expected a UUID, got "${options.cloudId}"`]);
  const permissions = permissionsOption(options.permissions);
  const tokenTtlSeconds = wholeOption(options.tokenTtl, '--token-ttl', 1, 86_400 * 365);
  const logger = createLogger('info');
  const sim = await startSimulator({
    host: options.host,
    port,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    cloudId: options.cloudId,
    tokenTtlSeconds,
    projects: options.projects
      ?.split(',')
      .map((p) => p.trim())
      .filter((p) => p !== ''),
    permissions,
    services: options.services
      ?.split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  });
  // The client id and secret are the simulator's own test credentials, printed so a local config can use them.
  process.stdout.write(
    [
      `Jira simulator listening on ${sim.url}`,
      `  cloudId:      ${sim.cloudId}`,
      `  tokenUrl:     ${sim.url}/oauth/token`,
      `  apiBaseUrl:   ${sim.url}`,
      `  clientId:     ${sim.clientId}`,
      `  clientSecret: ${sim.clientSecret}`,
      `  inspect:      ${sim.url}/__sim/store/featureflags`,
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sim.close();
  logger.info('simulator stopped');
  return EXIT_OK;
}
