import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { startFixtureServer, type FixtureServer } from '../../../src/testing';

/** flagd definition files served over HTTP on loopback (flagd's http source), one per environment. */
const files = ['production.flagd.json', 'staging.flagd.json'];
const bodies = new Map(files.map((f) => [`/${f}`, JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'flagd', f), 'utf8')) as unknown]));

export function startFlagdFiles(): Promise<FixtureServer> {
  return startFixtureServer((request) => {
    const body = bodies.get(request.path);
    return body === undefined ? undefined : { body };
  });
}
