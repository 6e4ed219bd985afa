import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { startFixtureServer, type FixtureServer } from '../../../src/kit/testing';

/** flagd definition files served over HTTP on loopback (flagd's http source), one per environment. */
const files = ['production.flagd.json', 'staging.flagd.json'];
const load = (file: string) => JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'flagd', file), 'utf8')) as FlagdFile;

type FlagdFile = { flags: Record<string, Record<string, unknown>> };

export interface FlagdFiles extends FixtureServer {
  /** Later reads of production's file give "PROJ-1-alpha" a fractional bucket naming a variant it does not have. */
  corruptOne(): { key: string };
  /** Later reads of production's file have "dark-mode" switched the other way (as a user would edit it). */
  change(): void;
}

export async function startFlagdFiles(): Promise<FlagdFiles> {
  // A fresh copy per server, so one test's corruption never leaks into the next.
  const bodies = new Map(files.map((f) => [`/${f}`, load(f)]));
  const server = await startFixtureServer((request) => {
    const body = bodies.get(request.path);
    return body === undefined ? undefined : { body };
  });
  return {
    ...server,
    change() {
      const darkMode = bodies.get('/production.flagd.json')!.flags['dark-mode']!;
      darkMode['state'] = darkMode['state'] === 'DISABLED' ? 'ENABLED' : 'DISABLED';
    },
    corruptOne() {
      const alpha = bodies.get('/production.flagd.json')!.flags['PROJ-1-alpha']!;
      alpha['targeting'] = {
        fractional: [
          ['onn', 25],
          ['off', 75],
        ],
      };
      return { key: 'PROJ-1-alpha' };
    },
  };
}
