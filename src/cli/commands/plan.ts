import { jsonPlan, renderPlan } from '../../reconcile/report';
import { openStateBackend } from '../../store';
import { loadConfigOrExit, loggerFor, requireProviders, type GlobalOptions } from '../context';
import { EXIT_FAILED, EXIT_OK } from '../exit';
import { syncOnce } from './sync';

/** `flagsync plan`: what a run would change; nothing is sent and state is not written. */
export async function planCommand(options: GlobalOptions & { allowMassDelete?: boolean }): Promise<number> {
  const config = requireProviders(await loadConfigOrExit(options.config), 'plan');
  const logger = loggerFor(options, config);
  const backend = openStateBackend(config.state);
  let report;
  try {
    report = await syncOnce(config, logger, { dryRun: true, allowMassDelete: options.allowMassDelete === true, store: backend.state });
  } finally {
    await backend.close();
  }
  process.stdout.write(options.json === true ? `${JSON.stringify(jsonPlan(report.plan))}\n` : `${renderPlan(report.plan)}\n`);
  return report.ok ? EXIT_OK : EXIT_FAILED;
}
