import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Generated flagd flag files as a user keeps them: one file per environment, every flag in each, linked to issues
 * through metadata, a quarter of them rolled out by `fractional`, a quarter targeted by a rule. `generation` picks
 * which flags differ from generation 0: their name (and rollout) carry the revision, so Jira shows a change.
 */
export const BENCH_ENVIRONMENTS = ['production', 'staging', 'qa', 'development'] as const;

export interface FlagdGeneration {
  /** Flags that differ from generation 0 (i % every === 0); 0 = none. */
  readonly changeEvery: number;
  /** Revision number of the changed flags: each new one changes them again. */
  readonly revision?: number;
  /** Flags in reverse key order: the same content, different bytes. */
  readonly reversed?: boolean;
}

function flagDefinition(i: number, env: number, revision: number): Record<string, unknown> {
  const changed = revision > 0;
  const percent = (i * 7 + env) % 101;
  const shape = i % 4;
  const flag: Record<string, unknown> = {
    state: (i + env) % 5 === 0 ? 'DISABLED' : 'ENABLED',
    variants: { on: true, off: false },
    defaultVariant: 'off',
    metadata: {
      name: changed ? `Flag number ${i} (revision ${revision})` : `Flag number ${i}`,
      ...(i % 3 === 0 ? { description: `Implements WEB-${(i % 900) + 1} for the checkout team` } : {}),
      jira: `PROJ-${(i % 5000) + 1}`,
      tags: i % 2 === 0 ? 'team:checkout, web' : 'team:payments',
    },
  };
  const share = changed ? (percent + 13 * revision) % 101 : percent;
  if (shape === 0)
    flag['targeting'] = {
      fractional: [
        ['on', share],
        ['off', 100 - share],
      ],
    };
  else if (shape === 1) flag['targeting'] = { if: [{ ends_with: [{ var: 'email' }, '@example.com'] }, 'on', changed ? 'on' : 'off'] };
  else if (changed) flag['defaultVariant'] = 'on';
  return flag;
}

/** One environment's file text. */
export function flagdFileText(count: number, env: number, generation: FlagdGeneration): string {
  const flags: Record<string, unknown> = {};
  for (let n = 0; n < count; n++) {
    const i = generation.reversed === true ? count - 1 - n : n;
    const changed = generation.changeEvery > 0 && i % generation.changeEvery === 0;
    flags[`bench-flag-${i}`] = flagDefinition(i, env, changed ? (generation.revision ?? 1) : 0);
  }
  return JSON.stringify({ $schema: 'https://flagd.dev/schema/v0/flags.json', flags }, null, 1);
}

/** Writes one file per environment into `dir`; returns their paths (environment order) and total bytes. */
export async function writeFlagdFiles(
  dir: string,
  count: number,
  generation: FlagdGeneration,
): Promise<{ files: string[]; bytes: number }> {
  const files: string[] = [];
  let bytes = 0;
  for (let env = 0; env < BENCH_ENVIRONMENTS.length; env++) {
    const file = path.join(dir, `${BENCH_ENVIRONMENTS[env]}.flagd.json`);
    const text = flagdFileText(count, env, generation);
    bytes += Buffer.byteLength(text);
    await writeFile(file, text);
    files.push(file);
  }
  return { files, bytes };
}
