import { mkdtemp, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

/** One flag in flagd's file format, described by what matters to a test. */
export interface FixtureFlag {
  readonly key: string;
  readonly enabled?: boolean;
  /** Percentage served "on" through `fractional`; undefined = no targeting (serves the default). */
  readonly percent?: number;
  readonly defaultOn?: boolean;
  readonly description?: string;
}

export function flagdFile(flags: readonly FixtureFlag[]): string {
  const entries: Record<string, unknown> = {};
  for (const f of flags) {
    entries[f.key] = {
      state: f.enabled === false ? 'DISABLED' : 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: f.defaultOn === true ? 'on' : 'off',
      ...(f.percent !== undefined
        ? {
            targeting: {
              fractional: [
                ['on', f.percent],
                ['off', 100 - f.percent],
              ],
            },
          }
        : {}),
      ...(f.description !== undefined ? { metadata: { description: f.description } } : {}),
    };
  }
  return JSON.stringify({ $schema: 'https://flagd.dev/schema/v0/flags.json', flags: entries }, null, 1);
}

export async function tempDir(prefix = 'flagsync-test-'): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

/** Writes production and staging flag files into `dir`. */
export async function writeEnvironments(
  dir: string,
  production: readonly FixtureFlag[],
  staging: readonly FixtureFlag[] = production,
): Promise<void> {
  await writeFile(path.join(dir, 'production.flagd.json'), flagdFile(production));
  await writeFile(path.join(dir, 'staging.flagd.json'), flagdFile(staging));
}

/** `count` linked flags PROJ-<i>-flag with varied rollouts. */
export function linkedFlags(count: number, start = 1): FixtureFlag[] {
  return Array.from({ length: count }, (_, i) => ({ key: `PROJ-${start + i}-flag`, percent: (i * 7) % 101 }));
}
