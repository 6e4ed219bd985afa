import { utimes } from 'node:fs/promises';
import * as path from 'node:path';
import type { Simulator } from '../../src/simulator';
import { BENCH_ENVIRONMENTS, writeFlagdFiles } from '../sources/flagd-files';
import { writeBenchConfig, type ScenarioSet } from './scenario';

/** flagd files on disk, one per environment, `count` flags each. */
export async function flagdScenarios(count: number, dir: string, sim: Simulator): Promise<ScenarioSet> {
  const files = BENCH_ENVIRONMENTS.map((env) => path.join(dir, `${env}.flagd.json`));
  const config = await writeBenchConfig(
    dir,
    sim,
    {
      name: 'bench',
      adapter: 'flagd',
      // Local files give Jira no link of their own; without a template every flag would be skipped.
      urlTemplate: 'https://git.example/acme/flags/blob/main/{environment}.flagd.json#{key}',
      environments: BENCH_ENVIRONMENTS.map((name, i) => ({ name, source: files[i] })),
    },
    600,
  );
  const write = (generation: Parameters<typeof writeFlagdFiles>[2]) => async () => {
    await writeFlagdFiles(dir, count, generation);
  };
  return {
    config,
    reference: {
      args: [path.join(__dirname, '..', 'minimum-work.cjs'), ...files],
      sendingArgs: (jira) => [path.join(__dirname, '..', 'minimum-work.cjs'), '--send', JSON.stringify(jira), ...files],
    },
    scenarios: [
      { name: 'first run (all created)', prepare: write({ changeEvery: 0 }), writes: count, referenceBefore: true, goal: 'all-sent' },
      { name: 'nothing changed, files byte-identical', prepare: async () => {}, writes: 0, goal: 'byte-identical' },
      {
        name: 'nothing changed, files rewritten (new order, new mtime)',
        prepare: async () => {
          await write({ changeEvery: 0, reversed: true })();
          const later = new Date(Date.now() + 60_000);
          for (const file of files) await utimes(file, later, later);
        },
        writes: 0,
        goal: 'rewritten',
      },
      { name: '1% changed', prepare: write({ changeEvery: 100, revision: 1 }), writes: Math.ceil(count / 100) },
      { name: '100% changed', prepare: write({ changeEvery: 1, revision: 2 }), writes: count, goal: 'all-sent' },
    ],
  };
}
