import * as path from 'node:path';
import { loadConfigOrExit, loggerFor, requireProviders } from '../context';
import type { GlobalOptions } from '../options';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, ExitError } from '../exit';
import { printOut } from '../output';
import { packageRoot } from '../package-root';

// `flagsync adapter new NAME` and `flagsync adapter check`: the adapter authoring commands.

// The authoring modules (a schema compiler, the scaffold's templates) load when these commands run, not at every start.
// `require`, not `import()`: a checkout run through tsx's CommonJS hook has no ESM resolution of extensionless paths.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const lazy = <T>(id: string): T => require(id) as T;

export async function adapterNewCommand(name: string, options: { dir?: string }): Promise<number> {
  const { scaffoldAdapter, ScaffoldError } = lazy<typeof import('../../adapter-host/scaffold')>('../../adapter-host/scaffold');
  const dir = options.dir ?? path.join('adapters', name);
  let files: string[];
  try {
    files = await scaffoldAdapter({ name, dir, packageRoot: packageRoot() });
  } catch (error) {
    if (error instanceof ScaffoldError) throw new ExitError(EXIT_USAGE, [`flagsync adapter new: ${error.message}`]);
    throw error;
  }
  const shown = (f: string) => path.relative(process.cwd(), f) || f;
  const folder = shown(path.resolve(dir));
  const reference = path.isAbsolute(folder) ? folder : `./${folder}`;
  process.stdout.write(
    [
      `created adapter "${name}" in ${folder}:`,
      ...files.map((f) => `  ${shown(f)}`),
      '',
      'next:',
      `  cd ${folder} && npm install && npm test     # type check, then flagsync's contract kit against a local server`,
      '  add a provider to a flagsync.yaml (paths are relative to it; `adapter check` needs no jira section):',
      '    providers:',
      `      - name: ${name}`,
      `        adapter: ${reference}`,
      `        url: https://${name}.example.com`,
      '        environments: [{ name: production, type: production }]',
      `  flagsync adapter check --config flagsync.yaml --provider ${name}`,
      '',
    ].join('\n'),
  );
  return EXIT_OK;
}

export async function adapterCheckCommand(options: GlobalOptions & { provider?: string }): Promise<number> {
  // Nothing goes to Jira: a config with providers alone will do.
  const config = requireProviders(await loadConfigOrExit(options.config, { jiraUnused: true }), 'adapter check');
  const names = config.providers.map((p) => p.name);
  const provider =
    options.provider !== undefined
      ? config.providers.find((p) => p.name === options.provider)
      : config.providers.length === 1
        ? config.providers[0]
        : undefined;
  if (provider === undefined) {
    const why =
      options.provider !== undefined ? `no provider named "${options.provider}"` : 'several providers; choose one with --provider';
    throw new ExitError(EXIT_USAGE, [`flagsync adapter check: ${why} (providers: ${names.join(', ')})`]);
  }
  const logger = loggerFor(options, config);
  const { checkPassed, checkProvider } = lazy<typeof import('../../adapter-host/check-provider')>('../../adapter-host/check-provider');
  const { jsonCheck, renderCheck } = lazy<typeof import('../../adapter-host/check-report')>('../../adapter-host/check-report');
  const report = await checkProvider(provider, {
    configDir: config.dir,
    dataDir: path.dirname(config.state.path),
    timeoutMs: (provider.timeoutSeconds ?? config.sync.providerTimeoutSeconds) * 1000,
    logger,
  });
  printOut(options.json === true ? JSON.stringify(jsonCheck(report)) : renderCheck(report));
  return checkPassed(report) ? EXIT_OK : EXIT_FAILED;
}
