import { flagUpdateIds, jsonPlan, readCurrentFlags, renderPlan } from '../../report';
import { openStateBackend } from '../../store';
import { loadConfigOrExit, loggerFor, progressFor, requireProvider, requireProviders } from '../context';
import { configArgOf, type GlobalOptions } from '../options';
import { EXIT_FAILED, EXIT_OK } from '../exit';
import { createClient } from '../wiring';
import { syncOnce } from './sync';
import { printOut } from '../output';

/**
 * `flagsync plan`: what a run would change; nothing is sent and state is not written. What Jira holds now is read
 * for the flags that would be updated, so each shows its values before → after.
 */
export async function planCommand(options: GlobalOptions & { allowMassDelete?: boolean; provider?: string }): Promise<number> {
  const config = requireProviders(await loadConfigOrExit(options.config), 'plan');
  const only = requireProvider(config, options.provider);
  const progress = progressFor(options);
  const logger = loggerFor(options, config, progress?.sink);
  const backend = openStateBackend(config.state, { readOnly: true });
  let report;
  try {
    report = await syncOnce(config, logger, {
      dryRun: true,
      allowMassDelete: options.allowMassDelete === true,
      store: backend.state,
      only,
      progress,
    });
  } finally {
    await backend.close();
  }
  const updates = flagUpdateIds(report.plan);
  const { current, notes } =
    updates.length === 0
      ? { current: new Map(), notes: [] }
      : await readCurrentFlags(createClient(config, logger), updates, config.jira.concurrency);
  printOut(
    options.json === true
      ? JSON.stringify(jsonPlan(report.plan, current, notes))
      : renderPlan(report.plan, current, notes, configArgOf(options)),
  );
  return report.ok ? EXIT_OK : EXIT_FAILED;
}
