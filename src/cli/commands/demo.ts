import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig, ConfigError, type FlagsyncConfig } from '../../config';
import { builtInRegistry } from '../../adapter-host/registry';
import type { JiraFeatureFlag } from '../../jira/payloads';
import { createLogger } from '../../log';
import { renderRunSummary } from '../../report';
import { startSimulator, type Simulator } from '../../simulator';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, ExitError } from '../exit';
import { printOut } from '../output';
import { packageRoot } from '../package-root';
import { syncOnce } from './sync';
import { commandName } from '../command-name';

function describeStoredFlag(flag: JiraFeatureFlag): string {
  const keys = flag.associations.flatMap((a) => a.values).join(', ');
  const envs = flag.details.map((d) => {
    const r = d.status.rollout;
    const rollout =
      r?.percentage !== undefined
        ? ` ${r.percentage}%`
        : r?.text !== undefined
          ? ` (${r.text})`
          : r?.rules !== undefined
            ? ` (${r.rules} rules)`
            : '';
    return `${d.environment.name}${d.environment.type ? `/${d.environment.type}` : ''}: ${d.status.enabled ? 'on' : 'off'}${rollout}`;
  });
  return `  ${flag.id}  → ${keys}\n      ${envs.join('; ')}`;
}

async function demoConfig(sim: Simulator, stateDir: string): Promise<FlagsyncConfig> {
  const file = path.join(packageRoot(), 'config', 'demo', 'flagsync.yaml');
  const env = { ...process.env, JIRA_CLIENT_ID: sim.clientId, JIRA_CLIENT_SECRET: sim.clientSecret };
  try {
    const base = await loadConfig(file, builtInRegistry(), env);
    return {
      ...base,
      jira: { ...base.jira, site: undefined, cloudId: sim.cloudId, tokenUrl: `${sim.url}/oauth/token`, apiBaseUrl: sim.url },
      state: { store: 'file', path: path.join(stateDir, 'state.json') },
    };
  } catch (error) {
    if (error instanceof ConfigError)
      throw new ExitError(
        EXIT_USAGE,
        error.lines.map((p) => `demo config error: ${p}`),
      );
    throw error;
  }
}

/** `flagsync demo` (`npm start`): bundled flagd demo flags → the built-in Jira simulator on loopback. */
export async function demoCommand(options: { logLevel?: string }): Promise<number> {
  const sim = await startSimulator({});
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'flagsync-demo-'));
  try {
    const config = await demoConfig(sim, stateDir);
    const logger = createLogger((options.logLevel as 'info' | undefined) ?? 'warn');
    const out = printOut;
    out(`flagsync demo: syncing the bundled flagd files in config/demo into the Jira simulator at ${sim.url}\n`);
    const first = await syncOnce(config, logger, { dryRun: false, allowMassDelete: false });
    out('First run (everything is new to Jira):');
    out(renderRunSummary(first));
    out('\nWhat Jira now holds (read back from the simulator):');
    for (const flag of sim.stored('featureflags') as JiraFeatureFlag[]) out(describeStoredFlag(flag));
    const writesBefore = sim.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/bulk')).length;
    const second = await syncOnce(config, logger, { dryRun: false, allowMassDelete: false });
    const writesAfter = sim.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/bulk')).length;
    out(`\nSecond run with nothing changed: ${writesAfter - writesBefore} write requests sent.`);
    const cli = commandName();
    out(
      `\nNext: \`${cli} init --adapter <flagd|unleash|launchdarkly|flipt|git>\` writes a starter flagsync.yaml (config/example.yaml explains every key); then \`${cli} validate --connect\` and \`${cli} plan\`.`,
    );
    return first.ok && second.ok ? EXIT_OK : EXIT_FAILED;
  } finally {
    await sim.close();
    await rm(stateDir, { recursive: true, force: true });
  }
}
