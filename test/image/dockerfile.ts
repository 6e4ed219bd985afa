import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/** What the final stage of the Dockerfile sets up, read from the file itself so the image test follows it. */
export interface FinalStage {
  /** The FROM of the final stage, with build args filled in from their defaults. */
  readonly from: string;
  readonly env: Readonly<Record<string, string>>;
  /** Its labels, build args filled in from their defaults. */
  readonly labels: Readonly<Record<string, string>>;
  readonly user?: string;
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  readonly healthcheck: readonly string[];
}

/** Instructions with their continuation lines joined and comments dropped. */
function instructions(text: string): Array<{ op: string; args: string }> {
  const joined = text.replace(/\\\r?\n/g, ' ');
  return joined
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const space = l.search(/\s/);
      return { op: l.slice(0, space).toUpperCase(), args: l.slice(space + 1).trim() };
    });
}

/** KEY=value pairs, values optionally double-quoted. */
function pairs(args: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of args.matchAll(/([\w.-]+)=("((?:[^"\\]|\\.)*)"|\S+)/g)) out[m[1]!] = m[3] ?? m[2]!;
  return out;
}

const execForm = (args: string): string[] => JSON.parse(args) as string[];

export function readDockerfile(file = path.resolve(__dirname, '..', '..', 'Dockerfile')): FinalStage {
  const all = instructions(readFileSync(file, 'utf8'));
  const args: Record<string, string> = {};
  let stage: FinalStage | undefined;
  const fill = (s: string): string => s.replace(/\$\{(\w+)\}/g, (_, name: string) => args[name] ?? '');
  for (const { op, args: rest } of all) {
    if (op === 'ARG') {
      const [name, value] = rest.split('=', 2);
      if (value !== undefined) args[name!] = value;
    } else if (op === 'FROM') {
      stage = { from: fill(rest.split(/\s+/)[0]!), env: {}, labels: {}, entrypoint: [], cmd: [], healthcheck: [] };
    } else if (stage !== undefined) {
      if (op === 'ENV') stage = { ...stage, env: { ...stage.env, ...pairs(rest) } };
      else if (op === 'LABEL') stage = { ...stage, labels: { ...stage.labels, ...pairs(fill(rest)) } };
      else if (op === 'USER') stage = { ...stage, user: rest };
      else if (op === 'ENTRYPOINT') stage = { ...stage, entrypoint: execForm(rest) };
      else if (op === 'CMD') stage = { ...stage, cmd: execForm(rest) };
      else if (op === 'HEALTHCHECK') stage = { ...stage, healthcheck: execForm(rest.slice(rest.indexOf('CMD ') + 4)) };
    }
  }
  if (stage === undefined) throw new Error('Dockerfile has no FROM');
  return stage;
}
