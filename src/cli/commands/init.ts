import { open } from 'node:fs/promises';
import * as path from 'node:path';
import { EXIT_OK, EXIT_USAGE, ExitError } from '../exit';
import { INIT_PLACEHOLDER_SITE } from '../../config';
import { CloudId, SiteHost } from '../../config/scalars';
import { packageRoot } from '../package-root';
import { commandName } from '../command-name';
import { STARTER_ADAPTERS, starterConfig, type StarterAdapter } from '../starter-config';

export interface InitOptions {
  readonly adapter?: string;
  readonly name?: string;
  readonly site?: string;
  readonly cloudId?: string;
  readonly output: string;
  readonly force?: boolean;
}

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

function isStarterAdapter(value: string): value is StarterAdapter {
  return (STARTER_ADAPTERS as readonly string[]).includes(value);
}

/** What is not given as an option is asked for on a terminal; elsewhere a missing --adapter is a usage error. */
async function settle(options: InitOptions): Promise<{ adapter: StarterAdapter; name: string; site?: string; cloudId?: string }> {
  const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
  const asking = interactive && (options.adapter === undefined || (options.site === undefined && options.cloudId === undefined));
  // Loaded only when asking: most runs of the CLI never prompt.
  const prompts = asking ? await import('@inquirer/prompts') : undefined;
  let adapter = options.adapter;
  if (adapter === undefined) {
    if (prompts === undefined)
      throw new ExitError(EXIT_USAGE, [`flagsync init: --adapter is required here (one of ${STARTER_ADAPTERS.join(', ')})`]);
    adapter = await prompts.select({
      message: 'Which kind of source do you sync into Jira?',
      choices: STARTER_ADAPTERS.map((value) => ({ value })),
    });
  }
  if (!isStarterAdapter(adapter)) {
    throw new ExitError(EXIT_USAGE, [`flagsync init: --adapter: expected one of ${STARTER_ADAPTERS.join(', ')}, got "${adapter}"`]);
  }
  // What config load would refuse is refused here, before a file is written that every next step fails on.
  if (options.site !== undefined && !SiteHost.is(options.site.trim()))
    throw new ExitError(EXIT_USAGE, [
      `flagsync init: --site: expected your Jira site's host name (acme.atlassian.net) or URL, got "${options.site}"`,
    ]);
  if (options.cloudId !== undefined && !CloudId.is(options.cloudId.trim()))
    throw new ExitError(EXIT_USAGE, [`flagsync init: --cloud-id: expected a UUID, got "${options.cloudId}"`]);
  let site = options.site?.trim();
  if (site === undefined && options.cloudId === undefined && prompts !== undefined) {
    site = (
      await prompts.input({
        message: `Your Jira site (like acme.atlassian.net)`,
        validate: (value) => SiteHost.is(value.trim()) || "a host name such as acme.atlassian.net, or the site's URL",
      })
    ).trim();
  }
  const name = options.name ?? adapter;
  if (!NAME.test(name)) throw new ExitError(EXIT_USAGE, [`flagsync init: --name: letters, digits, '_' or '-', at most 64 characters`]);
  const cloudId = options.cloudId?.trim();
  return { adapter, name, ...(site === undefined ? {} : { site }), ...(cloudId === undefined ? {} : { cloudId }) };
}

/** `flagsync init`: writes a starter config (the JSON Schema reference on line 1); never overwrites without --force. */
export async function initCommand(options: InitOptions): Promise<number> {
  const settings = await settle(options);
  const file = path.resolve(options.output);
  const schema = path.join(packageRoot(), 'config', 'flagsync.schema.json');
  // Beside or below the package: a relative reference that survives moving both; elsewhere the absolute path.
  const relative = path.relative(path.dirname(file), schema).split(path.sep).join('/');
  const schemaRef = relative.startsWith('..') ? schema : `./${relative}`;
  const text = starterConfig({ ...settings, schemaRef });
  try {
    const handle = await open(file, options.force === true ? 'w' : 'wx', 0o644);
    try {
      await handle.writeFile(text);
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new ExitError(EXIT_USAGE, [`flagsync init: ${file} exists; nothing written (use --force to replace it)`]);
    }
    throw error;
  }
  // Every ${env:NAME} the file reads besides Jira's: a run fails naming the first one unset.
  const settingsLines = text.split('\n').filter((line) => !line.trimStart().startsWith('#'));
  const referenced = settingsLines.flatMap((line) => [...line.matchAll(/\$\{env:([A-Z0-9_]+)\}/g)].map((m) => m[1]!));
  const sourceSecrets = [...new Set(referenced)].filter((n) => !n.startsWith('JIRA_'));
  const cli = commandName();
  process.stdout.write(
    [
      `wrote ${file} (provider "${settings.name}", adapter ${settings.adapter})`,
      'next:',
      ...(settings.site === undefined && settings.cloudId === undefined
        ? [`  set jira.site in ${options.output} (it holds the placeholder ${INIT_PLACEHOLDER_SITE}; or run init with --site)`]
        : []),
      '  export JIRA_CLIENT_ID=... JIRA_CLIENT_SECRET=...   # the Jira OAuth credential (README: "Jira admin")',
      ...(sourceSecrets.length > 0 ? [`  export ${sourceSecrets.map((n) => `${n}=...`).join(' ')}   # the source's credentials`] : []),
      `  ${cli} validate --connect --config ${options.output}`,
      `  ${cli} plan --config ${options.output}`,
      `  ${cli} run --once --config ${options.output}`,
      '',
    ].join('\n'),
  );
  return EXIT_OK;
}
