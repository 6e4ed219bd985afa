import { loadConfigOrExit, type GlobalOptions } from '../context';
import { EXIT_OK } from '../exit';

/** `flagsync validate`: config only; exit 2 with one line per problem, else a one-line confirmation. */
export async function validateCommand(options: GlobalOptions): Promise<number> {
  const config = await loadConfigOrExit(options.config);
  const names = config.providers.map((p) => `${p.name} (${p.adapter})`).join(', ');
  const line =
    config.providers.length === 0
      ? `config OK: ${config.path}: no providers (enough for \`flagsync send\`; run and plan need at least one)`
      : `config OK: ${config.path}: ${config.providers.length} provider(s): ${names}; schedule "${config.schedule}"`;
  process.stdout.write(
    options.json === true ? `${JSON.stringify({ ok: true, providers: config.providers.map((p) => p.name) })}\n` : `${line}\n`,
  );
  return EXIT_OK;
}
